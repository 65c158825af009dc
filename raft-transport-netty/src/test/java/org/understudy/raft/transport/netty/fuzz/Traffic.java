package org.understudy.raft.transport.netty.fuzz;

import com.google.protobuf.ByteString;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.understudy.raft.transport.netty.rpc.RpcClient;

/**
 * Real work next to the fuzzing: a proposal to the cluster every 20 ms and an RPC echo every 10 ms
 * (one of each outstanding at a time), counting what succeeded and what failed.
 */
final class Traffic implements AutoCloseable {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fuzz-traffic");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong committed = new AtomicLong();
    private final AtomicLong proposalFailures = new AtomicLong();
    private final AtomicLong echoes = new AtomicLong();
    private final AtomicLong echoFailures = new AtomicLong();
    private final AtomicReference<Throwable> firstEchoFailure = new AtomicReference<>();
    private final AtomicBoolean proposing = new AtomicBoolean();
    private final AtomicBoolean echoing = new AtomicBoolean();

    Traffic(FuzzedCluster cluster, RpcClient client) {
        AtomicLong sequence = new AtomicLong();
        timer.scheduleAtFixedRate(() -> {
            if (proposing.compareAndSet(false, true)) {
                cluster.propose("traffic-" + sequence.incrementAndGet()).orTimeout(10, TimeUnit.SECONDS)
                        .whenComplete((r, e) -> {
                            (e == null ? committed : proposalFailures).incrementAndGet();
                            proposing.set(false);
                        });
            }
        }, 0, 20, TimeUnit.MILLISECONDS);
        timer.scheduleAtFixedRate(() -> {
            if (echoing.compareAndSet(false, true)) {
                long n = echoes.get() + echoFailures.get();
                client.call("echo", ByteString.copyFromUtf8("echo-" + n), Duration.ofSeconds(10)).whenComplete((r, e) -> {
                    if (e == null && r.toStringUtf8().equals("echo-" + n)) {
                        echoes.incrementAndGet();
                    } else {
                        echoFailures.incrementAndGet();
                        firstEchoFailure.compareAndSet(null, e != null ? e : new AssertionError("wrong echo " + r));
                    }
                    echoing.set(false);
                });
            }
        }, 0, 10, TimeUnit.MILLISECONDS);
    }

    long committed() {
        return committed.get();
    }

    long proposalFailures() {
        return proposalFailures.get();
    }

    long echoes() {
        return echoes.get();
    }

    long echoFailures() {
        return echoFailures.get();
    }

    Throwable firstEchoFailure() {
        return firstEchoFailure.get();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
