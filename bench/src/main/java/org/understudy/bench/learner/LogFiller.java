package org.understudy.bench.learner;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;
import org.understudy.examples.kv.rpc.KvRpcMethods;
import org.understudy.examples.kv.rpc.proto.KvPutRequest;
import org.understudy.raft.transport.netty.rpc.RpcClient;
import org.understudy.raft.transport.netty.rpc.RpcClientOptions;

/**
 * Fills the log before anything is measured: {@link Workload} writes sent to the leader over
 * raft-kv's binary protocol (one multiplexed connection, {@code window} calls in flight), which
 * costs this JVM far less CPU per write than HTTP does, so the members get the machine. Setup
 * only: nothing it does is measured, and the write load of the phases stays on HTTP
 * ({@link ClosedLoopWriter}).
 */
final class LogFiller {
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(15);

    private final Workload workload;
    private final int window;

    LogFiller(Workload workload, int window) {
        if (window <= 0) {
            throw new IllegalArgumentException("the fill window must be positive, got " + window);
        }
        this.workload = workload;
        this.window = window;
    }

    /**
     * Writes until {@code entries} writes were acknowledged; calls {@code progress} with the count
     * about every {@code progressEvery}. Returns the number the next write would have.
     *
     * @throws IllegalStateException when {@code timeout} runs out first
     */
    long fill(String leaderEndpoint, long entries, Duration timeout, Duration progressEvery, LongConsumer progress)
            throws InterruptedException {
        String[] hostPort = leaderEndpoint.split(":");
        RpcClientOptions options = RpcClientOptions.builder(hostPort[0], Integer.parseInt(hostPort[1]))
                .ioThreads(1).maxPendingCalls(Math.max(window, 1024)).clientName("learner-bench-fill").build();
        Semaphore slots = new Semaphore(window);
        AtomicLong next = new AtomicLong();
        LongAdder acknowledged = new LongAdder();
        LongAdder failed = new LongAdder();
        long deadline = System.nanoTime() + timeout.toNanos();
        long nextProgress = System.nanoTime() + progressEvery.toNanos();
        try (RpcClient client = new RpcClient(options)) {
            while (acknowledged.sum() < entries) {
                long now = System.nanoTime();
                if (now - deadline > 0) {
                    throw new IllegalStateException("the fill had " + acknowledged.sum() + " of " + entries
                            + " writes acknowledged (" + failed.sum() + " failed) after " + timeout);
                }
                if (now - nextProgress > 0) {
                    progress.accept(acknowledged.sum());
                    nextProgress = now + progressEvery.toNanos();
                }
                if (!slots.tryAcquire(100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    continue;
                }
                long n = next.getAndIncrement();
                ByteString put = KvPutRequest.newBuilder().setKey(workload.key(n))
                        .setValue(ByteString.copyFrom(workload.value(n), StandardCharsets.UTF_8)).build().toByteString();
                client.call(KvRpcMethods.PUT, put, CALL_TIMEOUT).whenComplete((reply, failure) -> {
                    (failure == null ? acknowledged : failed).increment();
                    slots.release();
                });
            }
            slots.acquire(window); // the calls still in flight: let them finish before the load starts
        }
        return next.get();
    }
}
