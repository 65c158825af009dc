package org.understudy.examples.embed;

import com.google.protobuf.ByteString;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.spi.StateMachine;

/**
 * A replicated counter: the smallest useful {@link StateMachine}, shown in the root README. A
 * command is "add N" (an 8-byte signed amount, see {@link #add}); applying it returns the new value.
 *
 * <p>Threads: the node calls {@code apply}, {@code snapshot} and {@code restore} from its one apply
 * thread; {@link #value()} may be read from any thread.
 */
public final class CounterStateMachine implements StateMachine<Long> {
    private volatile long value; // written by the apply thread only, read by any thread

    /** The command that adds {@code amount} to the counter. */
    public static ByteString add(long amount) {
        return ByteString.copyFrom(ByteBuffer.allocate(Long.BYTES).putLong(0, amount));
    }

    /**
     * Adds the command's amount. Never throws: every replica applies the same entries, so a command
     * it cannot read must change nothing on all of them alike. Empty data is the no-op a new leader
     * commits; it too returns the current value.
     */
    @Override
    public Long apply(Entry entry) {
        ByteString data = entry.getData();
        if (data.size() == Long.BYTES) { // a command; empty data is a new leader's no-op
            value += data.asReadOnlyByteBuffer().getLong(); // one writer: no update is lost
        }
        return value; // on the leader, the proposer's future completes with it
    }

    /** The whole state as of the last applied entry; flushed, never closed. */
    @Override
    public void snapshot(OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        data.writeLong(value);
        data.flush();
    }

    /** Replaces the state with a snapshot's (when a lagging node is sent one, or on restart). */
    @Override
    public void restore(InputStream in) throws IOException {
        value = new DataInputStream(in).readLong();
    }

    /** The value this member has applied so far: may trail the leader unless read after a read index. */
    public long value() {
        return value;
    }
}
