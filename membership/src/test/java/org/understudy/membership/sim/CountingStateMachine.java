package org.understudy.membership.sim;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.understudy.raft.proto.ConfChange;
import org.understudy.raft.proto.ConfState;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.spi.StateMachine;

/**
 * The user's state machine in membership tests: counts commands, keeps an order-sensitive digest
 * of them and of the configuration changes it is told about, and snapshots both. Lets a test check
 * that the {@code MembershipStateMachine} forwards everything and hands the user's part of a
 * snapshot through unchanged. Synchronized: test threads read it while an apply thread writes.
 */
public final class CountingStateMachine implements StateMachine<Long> {
    private long commands;
    private long confChanges;
    private long digest = 17;
    private long restores;

    @Override
    public synchronized Long apply(Entry entry) {
        if (!entry.getData().isEmpty()) {
            commands++;
            digest = digest * 31 + entry.getData().hashCode();
        }
        return commands;
    }

    @Override
    public synchronized void applyConfChange(long index, ConfChange change, ConfState result) {
        confChanges++;
        digest = digest * 31 + index;
    }

    @Override
    public synchronized void snapshot(OutputStream out) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        d.writeLong(commands);
        d.writeLong(confChanges);
        d.writeLong(digest);
        d.flush();
    }

    @Override
    public synchronized void restore(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        commands = d.readLong();
        confChanges = d.readLong();
        digest = d.readLong();
        if (in.read() != -1) {
            throw new IOException("trailing bytes after the user's snapshot");
        }
        restores++;
    }

    public synchronized long commands() {
        return commands;
    }

    public synchronized long confChanges() {
        return confChanges;
    }

    public synchronized long digest() {
        return digest;
    }

    public synchronized long restores() {
        return restores;
    }
}
