package org.understudy.bench.learner;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The snapshot a member received, read from its log (raft-core's {@code SnapshotReceiver} logs
 * "receiving the snapshot at index I" when the first chunk arrives and "received the snapshot at
 * index I (B bytes)" after the last). raft-kv logs lines starting with {@code HH:mm:ss.SSS}, so the
 * transfer time is known to the millisecond; a transfer that crosses midnight wraps correctly.
 */
final class SnapshotLog {
    private static final Pattern RECEIVING = Pattern.compile(
            "(?m)^(\\d\\d):(\\d\\d):(\\d\\d)\\.(\\d{3}) .*receiving the snapshot at index (\\d+) ");
    private static final Pattern RECEIVED = Pattern.compile(
            "(?m)^(\\d\\d):(\\d\\d):(\\d\\d)\\.(\\d{3}) .*received the snapshot at index (\\d+) \\((\\d+) bytes\\)");
    private static final long DAY_MILLIS = 24L * 3600 * 1000;

    /**
     * One received snapshot.
     *
     * @param transfers how many transfers were started in all (more than one: some were abandoned and restarted)
     * @param seconds from the first chunk of the last completed transfer to its last
     */
    record Transfer(long index, long bytes, double seconds, int transfers) {
        /** 10^6 bytes per second. */
        double megabytesPerSecond() {
            return seconds > 0 ? bytes / seconds / 1e6 : Double.NaN;
        }
    }

    private SnapshotLog() {}

    /** The last snapshot the log says was received completely, if any. */
    static Optional<Transfer> lastReceived(String log) {
        Matcher done = RECEIVED.matcher(log);
        long index = -1;
        long bytes = 0;
        long doneMillis = 0;
        int doneAt = -1;
        while (done.find()) {
            index = Long.parseLong(done.group(5));
            bytes = Long.parseLong(done.group(6));
            doneMillis = millis(done);
            doneAt = done.start();
        }
        if (index < 0) {
            return Optional.empty();
        }
        Matcher start = RECEIVING.matcher(log);
        int transfers = 0;
        long startMillis = -1;
        while (start.find()) {
            transfers++;
            if (start.start() < doneAt && Long.parseLong(start.group(5)) == index) {
                startMillis = millis(start);
            }
        }
        double seconds = startMillis < 0 ? Double.NaN
                : Math.floorMod(doneMillis - startMillis, DAY_MILLIS) / 1e3;
        return Optional.of(new Transfer(index, bytes, seconds, Math.max(transfers, 1)));
    }

    private static long millis(Matcher m) {
        return ((Long.parseLong(m.group(1)) * 60 + Long.parseLong(m.group(2))) * 60 + Long.parseLong(m.group(3))) * 1000
                + Long.parseLong(m.group(4));
    }
}
