package org.understudy.examples.kv.state;

import com.google.protobuf.ByteString;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.understudy.examples.kv.proto.Delete;
import org.understudy.examples.kv.proto.KvCommand;
import org.understudy.examples.kv.proto.Put;

/**
 * Encodes the commands a node proposes to Raft ({@code RaftNode.propose(data)}), so the rest of the
 * node never builds {@link KvCommand}s by hand. The bytes are the data of one log entry, applied by
 * {@link KvStateMachine} on every replica; read what applying them returned with {@link KvResults}.
 *
 * <p>No validation here beyond non-null: what a key may be is decided by the API layer.
 */
public final class KvCommands {
    private KvCommands() {}

    /**
     * A put of {@code value} under {@code key}.
     *
     * @param prevRevision when present, a compare-and-set: apply only if the key's revision equals
     *     it, 0 meaning "the key must not exist"
     * @param requestId when present and not empty, a retry with the same id returns the first result
     */
    public static ByteString put(String key, ByteString value, OptionalLong prevRevision, Optional<String> requestId) {
        Put.Builder put = Put.newBuilder()
                .setKey(Objects.requireNonNull(key, "key"))
                .setValue(Objects.requireNonNull(value, "value"));
        prevRevision.ifPresent(r -> put.setHasPrevRevision(true).setPrevRevision(r));
        KvCommand.Builder command = KvCommand.newBuilder().setPut(put);
        requestId.ifPresent(command::setRequestId);
        return command.build().toByteString();
    }

    /** A delete of {@code key}; {@code requestId} as for {@link #put}. */
    public static ByteString delete(String key, Optional<String> requestId) {
        KvCommand.Builder command = KvCommand.newBuilder()
                .setDelete(Delete.newBuilder().setKey(Objects.requireNonNull(key, "key")));
        requestId.ifPresent(command::setRequestId);
        return command.build().toByteString();
    }
}
