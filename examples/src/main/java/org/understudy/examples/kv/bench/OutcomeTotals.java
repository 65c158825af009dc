package org.understudy.examples.kv.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What the recorded operations came to.
 *
 * @param reads reads served (the key's value, or {@code readsNotFound} of them: no such key yet)
 * @param writes puts acknowledged
 * @param errors final failures by code (the server's, or the client's reason)
 * @param timeouts operations with no answer by their deadline
 * @param unknown puts whose fate is unknown (may have been applied)
 * @param notSent fixed rate only: operations due before the end that no sender was free to send
 */
public record OutcomeTotals(long reads, long readsNotFound, long writes, SortedMap<String, Long> errors, long timeouts,
                            long unknown, long notSent) {

    public OutcomeTotals {
        errors = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(errors));
    }

    public long errorCount() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Reads and writes served. */
    public long succeeded() {
        return reads + writes;
    }

    /** Every recorded operation that finished, however. */
    public long finished() {
        return succeeded() + errorCount() + timeouts + unknown;
    }

    /** The summary's {@code totals}. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("ops", finished());
        json.put("writes", writes);
        json.put("reads", reads);
        json.put("readsNotFound", readsNotFound);
        json.put("errors", new LinkedHashMap<>(errors));
        json.put("errorCount", errorCount());
        json.put("timeouts", timeouts);
        json.put("unknown", unknown);
        json.put("notSent", notSent);
        return json;
    }
}
