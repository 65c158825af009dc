package org.understudy.examples.kv.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * What a linearizable read relies on: once a reader sees {@code appliedIndex() >= i}, the write of
 * entry {@code i} is visible to it, on any thread, also across restores (which swap keys and index
 * together).
 */
class KvReadViewConcurrencyTest {
    private static final int ENTRIES = 200_000;

    @Test
    void aReaderThatSeesAnIndexSeesTheWriteAtThatIndex() throws Exception {
        KvStateMachine kv = new KvStateMachine();
        AtomicBoolean done = new AtomicBoolean();
        CompletableFuture<Long> reader = CompletableFuture.supplyAsync(() -> {
            long checks = 0;
            while (!done.get()) {
                long applied = kv.appliedIndex();
                if (applied > 0) {
                    // Entry i wrote key "k" + i (mod 1000) with revision i: its revision is at least i.
                    KvEntry entry = kv.get("k" + (applied % 1000)).orElseThrow(
                            () -> new AssertionError("applied index " + applied + " published before its write"));
                    if (entry.revision() < applied) {
                        throw new AssertionError("applied index " + applied + " but key revision " + entry.revision());
                    }
                    checks++;
                }
            }
            return checks;
        });
        try {
            for (long i = 1; i <= ENTRIES; i++) {
                kv.apply(Entries.put(i, "k" + (i % 1000), "v" + i));
                if (i % 50_000 == 0) {
                    // A restore of our own snapshot: readers must never see an empty map in between.
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    kv.snapshot(out);
                    kv.restore(new ByteArrayInputStream(out.toByteArray()));
                }
            }
        } finally {
            done.set(true);
        }
        assertThat(reader.get(30, TimeUnit.SECONDS)).as("reads checked").isPositive();
        assertThat(kv.size()).isEqualTo(1000);
    }
}
