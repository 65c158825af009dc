package org.understudy.examples.kv.state;

import com.google.protobuf.ByteString;
import java.util.Optional;
import java.util.OptionalLong;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.proto.EntryType;

/** Builds the committed entries the tests hand to {@link KvStateMachine#apply}. */
final class Entries {
    private Entries() {}

    static Entry entry(long index, ByteString data) {
        return Entry.newBuilder().setTerm(1).setIndex(index).setType(EntryType.ENTRY_NORMAL).setData(data).build();
    }

    static Entry put(long index, String key, String value) {
        return entry(index, KvCommands.put(key, utf8(value), OptionalLong.empty(), Optional.empty()));
    }

    static Entry putIf(long index, String key, String value, long prevRevision) {
        return entry(index, KvCommands.put(key, utf8(value), OptionalLong.of(prevRevision), Optional.empty()));
    }

    static Entry putWithId(long index, String key, String value, String requestId) {
        return entry(index, KvCommands.put(key, utf8(value), OptionalLong.empty(), Optional.of(requestId)));
    }

    static Entry delete(long index, String key) {
        return entry(index, KvCommands.delete(key, Optional.empty()));
    }

    static Entry deleteWithId(long index, String key, String requestId) {
        return entry(index, KvCommands.delete(key, Optional.of(requestId)));
    }

    static ByteString utf8(String s) {
        return ByteString.copyFromUtf8(s);
    }
}
