package org.understudy.examples.kv.process;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A client writing new keys one after the other, each to a member picked from {@code seed}, and
 * remembering which writes were acknowledged (HTTP 200): those must never be lost. A write
 * answered otherwise (503 while the leader is gone, no answer from a killed member) may or may not
 * have committed and is only counted. Each key is written once, so "readable afterwards" means
 * exactly the acknowledged value.
 */
final class WriteStream implements AutoCloseable {
    private final KvHttp http;
    private final List<Member> targets;
    private final Random random;
    private final String prefix;
    private final ConcurrentMap<String, String> acknowledged = new ConcurrentHashMap<>();
    private final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean stopping;

    /** @param targets members the writes go to, picked at random (a follower forwards to the leader) */
    WriteStream(KvHttp http, List<Member> targets, long seed, String prefix) {
        this.http = http;
        this.targets = List.copyOf(targets);
        this.random = new Random(seed);
        this.prefix = prefix;
        this.thread = new Thread(this::run, "write-stream-" + prefix);
        thread.setDaemon(true);
    }

    WriteStream start() {
        thread.start();
        return this;
    }

    private void run() {
        for (int i = 0; !stopping; i++) {
            Member target = targets.get(random.nextInt(targets.size()));
            String key = prefix + i;
            String value = "value-" + i + "-" + Long.toHexString(random.nextLong());
            KvHttp.Reply r = http.put(target.endpoint(), key, value);
            statuses.computeIfAbsent(r.status(), s -> new AtomicInteger()).incrementAndGet();
            if (r.status() == 200) {
                acknowledged.put(key, value);
            }
        }
    }

    int acknowledgedCount() {
        return acknowledged.size();
    }

    /** Stops after the write in flight and returns the acknowledged writes, key → value. */
    Map<String, String> stop() {
        stopping = true;
        try {
            thread.join(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            throw new AssertionError("the write stream did not stop within 60 s");
        }
        return new TreeMap<>(acknowledged);
    }

    /** How many writes got which HTTP status (0: no answer), for failure messages. */
    String statusCounts() {
        Map<Integer, Integer> out = new TreeMap<>();
        statuses.forEach((s, n) -> out.put(s, n.get()));
        return out.toString();
    }

    @Override
    public void close() {
        stopping = true;
    }
}
