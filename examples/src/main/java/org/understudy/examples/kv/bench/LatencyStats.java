package org.understudy.examples.kv.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The percentiles of one latency histogram, in microseconds (what the summary prints).
 *
 * @param count operations recorded
 */
public record LatencyStats(long count, long p50, long p90, long p99, long p999, long max, double mean) {

    public static final LatencyStats EMPTY = new LatencyStats(0, 0, 0, 0, 0, 0, 0);

    public static LatencyStats of(Histogram micros) {
        if (micros.getTotalCount() == 0) {
            return EMPTY;
        }
        return new LatencyStats(micros.getTotalCount(), micros.getValueAtPercentile(50),
                micros.getValueAtPercentile(90), micros.getValueAtPercentile(99), micros.getValueAtPercentile(99.9),
                micros.getMaxValue(), micros.getMean());
    }

    /** {@code {"count","p50","p90","p99","p999","max","mean"}}, microseconds. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("count", count);
        json.put("p50", p50);
        json.put("p90", p90);
        json.put("p99", p99);
        json.put("p999", p999);
        json.put("max", max);
        json.put("mean", Math.round(mean * 10) / 10.0);
        return json;
    }
}
