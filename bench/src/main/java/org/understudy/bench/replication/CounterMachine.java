package org.understudy.bench.replication;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.spi.StateMachine;

/**
 * The benchmark's state machine, as trivial as a state machine can be while still looking at what
 * it is given: it counts the commands applied and the bytes they carried, and answers a command
 * with the new count. So the measured time is replication, not the application. Entries without
 * data (a new leader's empty entry) are not counted.
 *
 * <p>Written by the node's apply thread only; the counts are volatile so that the benchmark and
 * the smoke test can read them from other threads.
 */
final class CounterMachine implements StateMachine<Long> {
    private volatile long commands;
    private volatile long bytes;

    @Override
    public Long apply(Entry entry) {
        int size = entry.getData().size();
        if (size == 0) {
            return commands;
        }
        bytes += size; // single writer: the apply thread
        return ++commands;
    }

    @Override
    public void snapshot(OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        data.writeLong(commands);
        data.writeLong(bytes);
        data.flush();
    }

    @Override
    public void restore(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        commands = data.readLong();
        bytes = data.readLong();
    }

    /** Commands applied so far. */
    long commands() {
        return commands;
    }

    /** Payload bytes of the commands applied so far. */
    long bytes() {
        return bytes;
    }
}
