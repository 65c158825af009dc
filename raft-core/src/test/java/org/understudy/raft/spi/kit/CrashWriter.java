package org.understudy.raft.spi.kit;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import org.understudy.raft.proto.Entry;
import org.understudy.raft.proto.HardState;
import org.understudy.raft.spi.LogStorage;
import org.understudy.raft.spi.StorageEngine;
import org.understudy.raft.spi.StorageOptions;

/**
 * The child JVM of {@link KillNineCrashKit}: opens an engine's log and writes to it as a Raft
 * follower would, until the parent kills it with {@code kill -9}.
 *
 * <p>Each cycle it may set the hard state (advancing the commit index up to what is synced), may
 * compact a committed prefix, then appends one to three batches of 1..300 entries ({@link
 * CrashEntries}), each either continuing the log or, sometimes, overwriting an uncommitted suffix
 * in a higher term (half of those with an explicit {@code truncateSuffix} first), and syncs. Every
 * write and every sync is announced on stdout just before it is made, and every sync is reported
 * again after it returned ({@link CrashLine}). After {@code maxSyncs} syncs it prints {@code DONE}
 * and waits, so the parent always ends it with a kill and never sees a clean close. With {@code
 * maxSyncs=0} it only opens the store, which is how the parent kills a process during recovery.
 *
 * <p>Stdout carries nothing but protocol lines: {@code System.out} is pointed at stderr before
 * anything else runs, so log output and library banners cannot interleave. When stdin reaches its
 * end the parent is gone, and the writer halts at once rather than outlive a failed test run.
 *
 * <p>Arguments, as {@code key=value}: {@code engine} (a {@link StorageEngine} class with a public
 * no-arg constructor), {@code dir} (the data directory), {@code payloadSeed} (for {@link
 * CrashEntries}; the same in every round of a test), {@code choiceSeed} (this child's random
 * choices) and {@code maxSyncs}.
 */
public final class CrashWriter {

    /** The cluster id the kit opens every store with. */
    public static final String CLUSTER_ID = "crash-cluster";
    /** The node id the kit opens every store with. */
    public static final long NODE_ID = 1;

    private static final int MAX_BATCH = 300;

    private final LogStorage log;
    private final long payloadSeed;
    private final Random random;
    private final OutputStream protocol;

    private long last;
    private long term;
    private long commit;
    private long compacted;
    private long syncs;

    CrashWriter(LogStorage log, long payloadSeed, Random random, OutputStream protocol) {
        this.log = log;
        this.payloadSeed = payloadSeed;
        this.random = random;
        this.protocol = protocol;
    }

    public static void main(String[] argv) throws Exception {
        OutputStream protocol = new FileOutputStream(FileDescriptor.out);
        System.setOut(System.err);
        haltWhenStdinCloses();

        Map<String, String> args = parseArgs(argv);
        StorageEngine engine = newEngine(args.get("engine"));
        Path dir = Path.of(args.get("dir"));
        print(protocol, CrashLine.of(CrashLine.Kind.OPENING));
        LogStorage log = engine.openLog(StorageOptions.of(dir, CLUSTER_ID, NODE_ID));
        CrashWriter writer = new CrashWriter(log, Long.parseLong(args.get("payloadSeed")),
                new Random(Long.parseLong(args.get("choiceSeed"))), protocol);
        writer.run(Integer.parseInt(args.get("maxSyncs")));
        new CountDownLatch(1).await(); // until the kill -9 (or the parent's end, see haltWhenStdinCloses)
    }

    /** Reports READY, runs {@code maxSyncs} write-and-sync cycles, reports DONE. */
    void run(int maxSyncs) throws IOException {
        LogSummary start = LogSummary.of(log);
        last = start.lastIndex();
        commit = start.commit();
        compacted = start.compactedIndex();
        term = Math.max(1, Math.max(start.lastTerm(), Math.max(start.hardStateTerm(), start.compactedTerm())));
        print(CrashLine.of(CrashLine.Kind.READY, start.toArgs()));
        for (int i = 0; i < maxSyncs; i++) {
            cycle();
        }
        print(CrashLine.of(CrashLine.Kind.DONE));
    }

    private void cycle() throws IOException {
        if (random.nextInt(100) < 30 && last > commit) {
            commit += 1 + random.nextLong(last - commit);
            HardState hs = HardState.newBuilder().setTerm(term).setVote(1 + random.nextInt(3)).setCommit(commit).build();
            print(CrashLine.of(CrashLine.Kind.HARDSTATE, hs.getTerm(), hs.getVote(), hs.getCommit()));
            log.setHardState(hs);
        }
        if (random.nextInt(100) < 10 && commit > compacted) {
            long index = compacted + 1 + random.nextLong(commit - compacted);
            long indexTerm = log.term(index);
            print(CrashLine.of(CrashLine.Kind.COMPACT, index, indexTerm));
            log.compactPrefix(CrashEntries.snapshot(index, indexTerm));
            compacted = index;
        }
        int batches = random.nextInt(100) < 20 ? 2 + random.nextInt(2) : 1;
        for (int b = 0; b < batches; b++) {
            appendBatch();
        }
        syncs++;
        print(CrashLine.of(CrashLine.Kind.SYNCING, syncs));
        log.sync();
        print(CrashLine.synced(syncs, LogSummary.of(log)));
    }

    private void appendBatch() throws IOException {
        long floor = Math.max(commit, compacted); // Raft never overwrites committed entries
        long from;
        if (random.nextInt(100) < 15 && last > floor) {
            from = floor + 1 + random.nextLong(last - floor);
            term += 1 + random.nextInt(2);
            if (random.nextBoolean()) {
                print(CrashLine.of(CrashLine.Kind.TRUNCATE, from));
                log.truncateSuffix(from);
            }
        } else {
            from = last + 1;
            if (random.nextInt(100) < 5) {
                term++;
            }
        }
        long to = from + random.nextInt(MAX_BATCH);
        List<Entry> batch = CrashEntries.entries(payloadSeed, from, to, term);
        print(CrashLine.of(CrashLine.Kind.APPEND, from, to, term));
        log.append(batch);
        last = to;
    }

    /** One {@code write(2)} per line: a pipe write this small is atomic, so the parent never reads half a line. */
    private void print(CrashLine line) throws IOException {
        print(protocol, line);
    }

    private static void print(OutputStream protocol, CrashLine line) throws IOException {
        protocol.write((line.format() + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    private static void haltWhenStdinCloses() {
        Thread watcher = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the parent never writes; any input is ignored
                }
            } catch (IOException ignored) {
                // a broken pipe means the same as the end of input
            }
            Runtime.getRuntime().halt(3);
        }, "crash-writer-parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    private static Map<String, String> parseArgs(String[] argv) {
        Map<String, String> args = new HashMap<>();
        for (String a : argv) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected key=value, got '" + a + "'");
            }
            args.put(a.substring(0, eq), a.substring(eq + 1));
        }
        for (String key : new String[] {"engine", "dir", "payloadSeed", "choiceSeed", "maxSyncs"}) {
            if (!args.containsKey(key)) {
                throw new IllegalArgumentException("missing argument " + key + "=...; got " + args.keySet());
            }
        }
        return args;
    }

    /** Instantiates {@code className}, a {@link StorageEngine} with a public no-arg constructor. */
    public static StorageEngine newEngine(String className) {
        try {
            return Class.forName(className).asSubclass(StorageEngine.class).getConstructor().newInstance();
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalArgumentException("cannot instantiate the storage engine " + className
                    + " (it must implement StorageEngine and have a public no-arg constructor): " + e, e);
        }
    }
}
