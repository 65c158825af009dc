package org.understudy.raft.transport.netty.peer;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.spi.StateMachine;

/**
 * A state machine for runtime tests: counts commands and keeps an order-sensitive digest of them,
 * so two replicas can be compared even when one got part of the log through a snapshot. Its
 * snapshots can carry {@code ballastBytes} of zeros after the state, which makes a large snapshot
 * to stream without keeping a large state (the zeros are written and skipped in 64 KiB blocks).
 * Synchronized: tests read it while the apply thread writes.
 */
final class DigestMachine implements StateMachine<Long> {
    private static final int BLOCK = 64 << 10;

    private final long ballastBytes;
    private long commands;
    private long digest = 17;
    private long ballastRestored;

    DigestMachine(long ballastBytes) {
        this.ballastBytes = ballastBytes;
    }

    @Override
    public synchronized Long apply(Entry entry) {
        if (!entry.getData().isEmpty()) {
            commands++;
            digest = digest * 31 + entry.getData().hashCode();
        }
        return commands;
    }

    @Override
    public synchronized void snapshot(OutputStream out) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        d.writeLong(commands);
        d.writeLong(digest);
        d.writeLong(ballastBytes);
        byte[] zeros = new byte[BLOCK];
        for (long left = ballastBytes; left > 0; left -= BLOCK) {
            d.write(zeros, 0, (int) Math.min(BLOCK, left));
        }
        d.flush();
    }

    @Override
    public synchronized void restore(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        commands = d.readLong();
        digest = d.readLong();
        long ballast = d.readLong();
        byte[] sink = new byte[BLOCK];
        long read = 0;
        while (read < ballast) {
            int n = d.read(sink, 0, (int) Math.min(BLOCK, ballast - read));
            if (n < 0) {
                throw new IOException("snapshot ended after " + read + " of " + ballast + " ballast bytes");
            }
            read += n;
        }
        ballastRestored = read;
    }

    synchronized long commands() {
        return commands;
    }

    synchronized long digest() {
        return digest;
    }

    /** Ballast bytes read by the last restore (0 if none). */
    synchronized long ballastRestored() {
        return ballastRestored;
    }
}
