package org.understudy.raft.spi.kit;

import java.util.Arrays;
import java.util.Locale;

/**
 * One line of what the crash writer tells the parent on its stdout. Before each write it
 * announces the write ({@code APPEND}, {@code TRUNCATE}, {@code COMPACT}, {@code HARDSTATE}), so the
 * parent knows every state a crash may legitimately leave behind; after each {@code sync()} has
 * returned it prints {@code SYNCED} with a summary of the log, a promise that everything announced
 * so far is durable. Each line is printed just before the call it announces (the entries of an
 * append are already built), so a kill right after the parent reads a line lands in that call:
 * the kinds of line the kill follows spread the kills over appends, syncs and the rest.
 *
 * <p>Format: the kind, its numbers separated by single spaces, and a final {@code "."}. The dot
 * tells a whole line from one cut short by the kill (the writer prints each line with one
 * {@code write(2)}, so this should never happen, but a half line must not be read as a promise).
 *
 * @param kind what happened
 * @param args its numbers; {@link Kind#arity} of them
 */
public record CrashLine(Kind kind, long[] args) {

    /** What a line reports, with the number of values it carries. */
    public enum Kind {
        /** The writer is about to open the log (a kill right after it lands in the engine's recovery). */
        OPENING(0),
        /** The writer opened the log and found {@link LogSummary} (8 values); it starts writing. */
        READY(LogSummary.ARGS),
        /** {@code from to term}: about to append entries {@code from..to} of {@code term}, replacing everything from {@code from} on. */
        APPEND(3),
        /** {@code from}: about to remove every entry from {@code from} on. */
        TRUNCATE(1),
        /** {@code index term}: about to compact the log up to {@code index}, whose entry has {@code term}. */
        COMPACT(2),
        /** {@code term vote commit}: about to set the hard state. */
        HARDSTATE(3),
        /** {@code n}: about to call sync number {@code n} (promises nothing; a kill right after it lands in the sync). */
        SYNCING(1),
        /** {@code n} then a {@link LogSummary}: sync number {@code n} has returned; everything announced so far is durable. */
        SYNCED(1 + LogSummary.ARGS),
        /** The writer reached its limit of syncs and waits to be killed. */
        DONE(0);

        public final int arity;

        Kind(int arity) {
            this.arity = arity;
        }
    }

    public CrashLine {
        if (args.length != kind.arity) {
            throw new IllegalArgumentException(kind + " takes " + kind.arity + " values, not " + args.length);
        }
    }

    public static CrashLine of(Kind kind, long... args) {
        return new CrashLine(kind, args.clone());
    }

    public static CrashLine synced(long syncNumber, LogSummary summary) {
        long[] args = new long[1 + LogSummary.ARGS];
        args[0] = syncNumber;
        System.arraycopy(summary.toArgs(), 0, args, 1, LogSummary.ARGS);
        return new CrashLine(Kind.SYNCED, args);
    }

    /** The line's text without the line break. */
    public String format() {
        StringBuilder out = new StringBuilder(kind.name());
        for (long a : args) {
            out.append(' ').append(a);
        }
        return out.append(" .").toString();
    }

    /** The line {@code text} holds, or {@code null} when it is not a whole protocol line. */
    public static CrashLine parse(String text) {
        String[] words = text.strip().split(" ");
        if (words.length < 2 || !words[words.length - 1].equals(".")) {
            return null;
        }
        Kind kind;
        try {
            kind = Kind.valueOf(words[0].toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException notAKind) {
            return null;
        }
        if (words.length != kind.arity + 2) {
            return null;
        }
        long[] args = new long[kind.arity];
        try {
            for (int i = 0; i < args.length; i++) {
                args[i] = Long.parseLong(words[i + 1]);
            }
        } catch (NumberFormatException notANumber) {
            return null;
        }
        return new CrashLine(kind, args);
    }

    public long arg(int i) {
        return args[i];
    }

    /** The summary a {@code READY} or {@code SYNCED} line carries. */
    public LogSummary summary() {
        return switch (kind) {
            case READY -> LogSummary.fromArgs(args, 0);
            case SYNCED -> LogSummary.fromArgs(args, 1);
            default -> throw new IllegalStateException(kind + " carries no summary");
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CrashLine other && kind == other.kind && Arrays.equals(args, other.args);
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + Arrays.hashCode(args);
    }

    @Override
    public String toString() {
        return format();
    }
}
