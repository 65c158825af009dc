package org.understudy.examples.kv.cli;

/**
 * One-line text progress bars: a learner's catch-up ({@code [#####.....]  52%  match 520 / 1000, lag 480})
 * and, through {@link #bar}, anything else that knows how far along it is (a bench run's time).
 */
final class ProgressBar {
    private static final int WIDTH = 30;

    private ProgressBar() {}

    /** The bar for a member at {@code match} that is {@code lag} entries behind. */
    static String render(long match, long lag) {
        if (match < 0 || lag < 0) {
            return "[" + ".".repeat(WIDTH) + "]  waiting for the leader to report its progress";
        }
        long total = match + lag;
        return bar(total == 0 ? 1.0 : (double) match / total) + "  match " + match + " / " + total + ", lag " + lag;
    }

    /** {@code [#####.........]  35%} for {@code done} = 0.35 (clamped to 0..1). */
    static String bar(double done) {
        double d = Math.max(0, Math.min(1, done));
        int filled = (int) Math.round(d * WIDTH);
        return "[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + String.format("%3d%%", Math.round(d * 100));
    }
}
