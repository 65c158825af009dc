package org.understudy.raft;

import java.util.Collection;
import java.util.StringJoiner;

/**
 * How node ids are written in the sentences the library addresses to people: the messages of
 * {@link RaftException}s and the human-readable reasons of the membership module. An application
 * that shows ids to its operators in some spelling (raft-kv: hex) passes the same spelling here,
 * so that an error names a member exactly as the member list does.
 *
 * <p>Only the words change: error codes, detail keys and detail values (which clients parse) keep
 * their decimal numbers whatever the format. A format is a pure function of the id, so the
 * consensus core may use it. The default everywhere is {@link #DECIMAL}.
 */
@FunctionalInterface
public interface NodeIdFormat {

    /** Unsigned decimal, the library's default: {@code 5568999630577802292}. */
    NodeIdFormat DECIMAL = Builtin.DECIMAL;

    /** Unsigned lower-case hex without leading zeros, as {@link Long#toHexString}: {@code 4d490fa87edf1c34} (the same id). */
    NodeIdFormat HEX = Builtin.HEX;

    /** The id as a person reads it. */
    String format(long id);

    /** Several ids in a list's usual spelling, {@code [a, b, c]}, each one {@link #format formatted}. */
    default String formatAll(Collection<Long> ids) {
        StringJoiner out = new StringJoiner(", ", "[", "]");
        for (long id : ids) {
            out.add(format(id));
        }
        return out.toString();
    }

    /** The two formats the library ships; an enum so they print their name and compare by identity. */
    enum Builtin implements NodeIdFormat {
        DECIMAL {
            @Override
            public String format(long id) {
                return Long.toUnsignedString(id);
            }
        },
        HEX {
            @Override
            public String format(long id) {
                return Long.toHexString(id);
            }
        }
    }
}
