package org.understudy.examples.kv.bench;

import java.util.Locale;

/** How operations are paced ({@code --mode}). */
public enum BenchMode {
    /**
     * Each client sends its next operation as soon as the previous one finished: the throughput the
     * cluster sustains at this concurrency. Latency is measured from each send.
     */
    CLOSED("closed"),
    /**
     * Operations are due at a fixed rate, whatever the cluster does; up to {@code --clients} are in
     * flight at once. Latency is measured from the time an operation was due, not from when a client
     * was free to send it, so a stall shows in the percentiles (coordinated omission corrected).
     */
    FIXED_RATE("fixed-rate");

    private final String flag;

    BenchMode(String flag) {
        this.flag = flag;
    }

    /** The spelling on the command line and in the summary. */
    public String flag() {
        return flag;
    }

    /** @throws BenchOptionException {@code BAD_MODE} for anything but {@code closed} or {@code fixed-rate} */
    public static BenchMode parse(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        for (BenchMode m : values()) {
            if (m.flag.equals(t)) {
                return m;
            }
        }
        throw new BenchOptionException(BenchOptionException.Code.BAD_MODE,
                "--mode must be closed or fixed-rate, not '" + text + "'");
    }
}
