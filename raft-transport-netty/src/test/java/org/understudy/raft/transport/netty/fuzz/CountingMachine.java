package org.understudy.raft.transport.netty.fuzz;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.spi.StateMachine;

/** Counts applied commands: all the fuzz test needs to see the cluster making progress. */
final class CountingMachine implements StateMachine<Long> {
    private long commands;

    @Override
    public synchronized Long apply(Entry entry) {
        return entry.getData().isEmpty() ? commands : ++commands;
    }

    @Override
    public synchronized void snapshot(OutputStream out) throws IOException {
        new DataOutputStream(out).writeLong(commands);
    }

    @Override
    public synchronized void restore(InputStream in) throws IOException {
        commands = new DataInputStream(in).readLong();
    }

    synchronized long commands() {
        return commands;
    }
}
