package org.understudy.examples.kv.state;

import com.google.protobuf.ByteString;
import java.util.Objects;

/**
 * One key's current value and revision. The revision is the Raft index of the write that stored
 * it: unique across the store and increasing with every write, so a client can use it for
 * compare-and-set without any counter of our own to replicate.
 *
 * @param value the bytes last written (immutable: a {@link ByteString})
 * @param revision the Raft index of that write, at least 1
 */
public record KvEntry(ByteString value, long revision) {
    public KvEntry {
        Objects.requireNonNull(value, "value");
        if (revision < 1) {
            throw new IllegalArgumentException("a revision is a Raft index, at least 1: " + revision);
        }
    }
}
