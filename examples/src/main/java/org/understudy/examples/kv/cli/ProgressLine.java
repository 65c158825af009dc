package org.understudy.examples.kv.cli;

import java.io.PrintWriter;

/**
 * A status line that keeps changing: on a terminal it is rewritten in place ({@code \r}); anywhere
 * else (a file, a pipe, a CI log) each new text is its own line, so the log reads as a history and
 * has no carriage returns in it.
 */
final class ProgressLine {
    private final PrintWriter out;
    private final boolean terminal;
    private String last = "";

    /** @param terminal whether {@code out} goes to a terminal ({@code System.console() != null}) */
    ProgressLine(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** Shows {@code line} instead of the previous one; off a terminal, a line equal to the last is not repeated. */
    synchronized void update(String line) {
        if (terminal) {
            // pad with blanks: a shorter line must cover all of the longer one it replaces
            out.print("\r" + line + " ".repeat(Math.max(0, last.length() - line.length())));
        } else if (!line.equals(last)) {
            out.println(line);
        }
        out.flush();
        last = line;
    }

    /** Ends the line on a terminal (what is printed next starts on a fresh line); nothing elsewhere. */
    synchronized void end() {
        if (terminal && !last.isEmpty()) {
            out.println();
            out.flush();
        }
        last = "";
    }
}
