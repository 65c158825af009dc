package org.understudy.raft.runtime;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.TreeMap;
import org.understudy.raft.proto.ConfChange;
import org.understudy.raft.proto.ConfState;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.spi.StateMachine;

/**
 * A tiny key-value state machine for runtime tests. Commands are {@code "key=value"} in UTF-8; the
 * result of a command is the number of commands applied so far (1 for the first). An
 * order-sensitive digest of every command applied lets tests check that two replicas applied the
 * same sequence even when one of them got part of it through a snapshot. Synchronized so that test
 * threads can read it while the apply thread writes.
 */
final class TestKv implements StateMachine<Long> {
    private final Map<String, String> data = new TreeMap<>();
    private long commands;
    private long digest = 17;
    private int restores;

    static com.google.protobuf.ByteString put(String key, String value) {
        return com.google.protobuf.ByteString.copyFromUtf8(key + "=" + value);
    }

    @Override
    public synchronized Long apply(Entry entry) {
        if (entry.getData().isEmpty()) {
            return commands; // a new leader's no-op
        }
        String command = entry.getData().toStringUtf8();
        int eq = command.indexOf('=');
        data.put(command.substring(0, eq), command.substring(eq + 1));
        commands++;
        digest = digest * 31 + command.hashCode();
        return commands;
    }

    @Override
    public synchronized void applyConfChange(long index, ConfChange change, ConfState result) {
        // Nothing to keep: the tests read configurations from the node's status.
    }

    @Override
    public synchronized void snapshot(OutputStream out) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        d.writeLong(commands);
        d.writeLong(digest);
        d.writeInt(data.size());
        for (Map.Entry<String, String> e : data.entrySet()) {
            d.writeUTF(e.getKey());
            d.writeUTF(e.getValue());
        }
        d.flush();
    }

    @Override
    public synchronized void restore(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        data.clear();
        commands = d.readLong();
        digest = d.readLong();
        int n = d.readInt();
        for (int i = 0; i < n; i++) {
            data.put(d.readUTF(), d.readUTF());
        }
        restores++;
    }

    synchronized String get(String key) {
        return data.get(key);
    }

    synchronized long commands() {
        return commands;
    }

    synchronized long digest() {
        return digest;
    }

    synchronized int restores() {
        return restores;
    }

    synchronized Map<String, String> copy() {
        return new TreeMap<>(data);
    }
}
