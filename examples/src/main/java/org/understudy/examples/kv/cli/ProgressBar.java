package org.understudy.examples.kv.cli;

/** A one-line text progress bar for a learner's catch-up: {@code [#####.....]  52%  match 520 / 1000, lag 480}. */
final class ProgressBar {
    private static final int WIDTH = 30;

    private ProgressBar() {}

    /** The bar for a member at {@code match} that is {@code lag} entries behind. */
    static String render(long match, long lag) {
        if (match < 0 || lag < 0) {
            return "[" + ".".repeat(WIDTH) + "]  waiting for the leader to report its progress";
        }
        long total = match + lag;
        double done = total == 0 ? 1.0 : (double) match / total;
        int filled = (int) Math.round(done * WIDTH);
        return "[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + String.format("%3d%%", Math.round(done * 100))
                + "  match " + match + " / " + total + ", lag " + lag;
    }
}
