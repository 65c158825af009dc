package org.understudy.raft.spi.kit;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.understudy.raft.proto.ConfState;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.proto.SnapshotMetadata;

/** Entries and snapshot metadata for log tests; engine-specific tests may use them too. */
public final class LogFixtures {

    private LogFixtures() {}

    /** An entry whose data names its index and term, so any mix-up shows in a comparison. */
    public static Entry entry(long index, long term) {
        return Entry.newBuilder().setIndex(index).setTerm(term)
                .setData(ByteString.copyFromUtf8("entry " + index + " of term " + term)).build();
    }

    /** An entry with {@code dataBytes} bytes of data derived from its index and term. */
    public static Entry entry(long index, long term, int dataBytes) {
        byte[] data = new byte[dataBytes];
        ByteBuffer stamp = ByteBuffer.allocate(16).putLong(index).putLong(term);
        for (int i = 0; i < dataBytes; i++) {
            data[i] = stamp.get(i % 16);
        }
        return Entry.newBuilder().setIndex(index).setTerm(term).setData(ByteString.copyFrom(data)).build();
    }

    /** {@link #entry(long, long)} for every index in {@code from..to} (inclusive). */
    public static List<Entry> entries(long from, long to, long term) {
        List<Entry> out = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            out.add(entry(i, term));
        }
        return out;
    }

    public static SnapshotMetadata snapshot(long index, long term) {
        return SnapshotMetadata.newBuilder().setIndex(index).setTerm(term)
                .setConfState(ConfState.newBuilder().addVoters(1).addVoters(2).addVoters(3)).build();
    }

    public static SnapshotMetadata snapshot(long index, long term, ConfState conf) {
        return SnapshotMetadata.newBuilder().setIndex(index).setTerm(term).setConfState(conf).build();
    }

    /** A joint configuration using every field of {@link ConfState}. */
    public static ConfState jointConf() {
        return ConfState.newBuilder().addVoters(1).addVoters(2).addVoters(4)
                .addVotersOutgoing(1).addVotersOutgoing(2).addVotersOutgoing(3)
                .addLearners(5).addLearnersNext(3).setAutoLeave(true).build();
    }
}
