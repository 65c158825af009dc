package org.understudy.raft.spi.kit;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.understudy.raft.memory.MemoryLogStorage;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.proto.HardState;
import org.understudy.raft.proto.SnapshotMetadata;
import org.understudy.raft.spi.LogStorage;
import org.understudy.raft.spi.StorageException;

/**
 * A deliberately simple durable {@link LogStorage}, test code only: it exists so that raft-core
 * can run {@link KillNineCrashKit} against a store that really lives in a file, without depending
 * on an engine module. Not for production: the journal is never compacted, and opening it replays
 * all of it.
 *
 * <p>The live log is a {@link MemoryLogStorage}, which also decides what each write means. Every
 * write that it accepted is recorded in an in-process buffer as one framed record ({@code int
 * length, int CRC32C, byte kind, body}); {@link #sync()} appends the buffer to the file and forces
 * it. Opening replays the records up to the first torn one (the tail of a write the crash cut
 * short) and cuts the file there.
 *
 * <p>The <em>forgetful</em> variant never writes in {@code sync()}, only in {@code close()}: a
 * broken engine whose syncs lie, which the crash kit must catch.
 */
public final class JournalFileLogStorage implements LogStorage {

    static final String FILE_NAME = "journal";

    private static final byte APPEND = 1;
    private static final byte TRUNCATE = 2;
    private static final byte COMPACT = 3;
    private static final byte HARD_STATE = 4;
    private static final int HEADER_BYTES = 8;

    private final MemoryLogStorage memory = new MemoryLogStorage();
    private final FileChannel channel;
    private final Path file;
    private final boolean forgetful;
    private final ByteArrayOutputStream unsynced = new ByteArrayOutputStream();
    private boolean closed;

    /** Opens (or creates) the journal in {@code dir}. */
    public JournalFileLogStorage(Path dir, boolean forgetful) {
        this.forgetful = forgetful;
        this.file = dir.resolve(FILE_NAME);
        try {
            Files.createDirectories(dir);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            long valid = replay();
            channel.truncate(valid);
            channel.position(valid);
        } catch (IOException e) {
            throw new StorageException("cannot open the journal " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public HardState hardState() {
        return memory.hardState();
    }

    @Override
    public SnapshotMetadata compactedTo() {
        return memory.compactedTo();
    }

    @Override
    public long firstIndex() {
        return memory.firstIndex();
    }

    @Override
    public long lastIndex() {
        return memory.lastIndex();
    }

    @Override
    public long term(long index) {
        return memory.term(index);
    }

    @Override
    public List<Entry> entries(long lo, long hi, long maxBytes) {
        return memory.entries(lo, hi, maxBytes);
    }

    @Override
    public void setHardState(HardState hardState) {
        memory.setHardState(hardState);
        record(HARD_STATE, hardState.toByteArray());
    }

    @Override
    public void append(List<Entry> entries) {
        memory.append(entries);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try {
            for (Entry e : entries) {
                e.writeDelimitedTo(body);
            }
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        record(APPEND, body.toByteArray());
    }

    @Override
    public void truncateSuffix(long fromIndex) {
        memory.truncateSuffix(fromIndex);
        record(TRUNCATE, ByteBuffer.allocate(8).putLong(fromIndex).array());
    }

    @Override
    public void compactPrefix(SnapshotMetadata snapshot) {
        memory.compactPrefix(snapshot);
        record(COMPACT, snapshot.toByteArray());
    }

    @Override
    public void sync() {
        if (!forgetful) {
            flush();
        }
        memory.sync();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try (channel) {
            if (forgetful) {
                flush();
            }
        } catch (IOException e) {
            throw new StorageException("cannot close the journal " + file + ": " + e.getMessage(), e);
        } finally {
            memory.close();
        }
    }

    private void record(byte kind, byte[] body) {
        byte[] payload = new byte[body.length + 1];
        payload[0] = kind;
        System.arraycopy(body, 0, payload, 1, body.length);
        CRC32C crc = new CRC32C();
        crc.update(payload);
        try {
            DataOutputStream out = new DataOutputStream(unsynced);
            out.writeInt(payload.length);
            out.writeInt((int) crc.getValue());
            out.write(payload);
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
    }

    private void flush() {
        try {
            ByteBuffer buffer = ByteBuffer.wrap(unsynced.toByteArray());
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(false);
            unsynced.reset();
        } catch (IOException e) {
            throw new StorageException("cannot write the journal " + file + ": " + e.getMessage(), e);
        }
    }

    /** Applies every whole record; returns the length of the file they fill. */
    private long replay() throws IOException {
        long valid = 0;
        channel.position(0);
        InputStream raw = Channels.newInputStream(channel);
        DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16));
        long size = channel.size();
        while (size - valid >= HEADER_BYTES) {
            int length = in.readInt();
            int crc = in.readInt();
            if (length < 1 || length > size - valid - HEADER_BYTES) {
                break; // a header whose record the crash cut short
            }
            byte[] payload = new byte[length];
            try {
                in.readFully(payload);
            } catch (EOFException cut) {
                break;
            }
            CRC32C actual = new CRC32C();
            actual.update(payload);
            if ((int) actual.getValue() != crc) {
                break;
            }
            apply(payload);
            valid += HEADER_BYTES + length;
        }
        return valid;
    }

    private void apply(byte[] payload) throws IOException {
        byte[] body = Arrays.copyOfRange(payload, 1, payload.length);
        switch (payload[0]) {
            case APPEND -> {
                List<Entry> entries = new ArrayList<>();
                ByteArrayInputStream in = new ByteArrayInputStream(body);
                Entry e;
                while ((e = Entry.parseDelimitedFrom(in)) != null) {
                    entries.add(e);
                }
                memory.append(entries);
            }
            case TRUNCATE -> memory.truncateSuffix(ByteBuffer.wrap(body).getLong());
            case COMPACT -> memory.compactPrefix(SnapshotMetadata.parseFrom(body));
            case HARD_STATE -> memory.setHardState(HardState.parseFrom(body));
            default -> throw new StorageException(StorageException.Kind.CORRUPT,
                    "the journal " + file + " holds a record of unknown kind " + payload[0]);
        }
    }
}
