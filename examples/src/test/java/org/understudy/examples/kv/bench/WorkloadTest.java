package org.understudy.examples.kv.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WorkloadTest {
    private static final long SEED = Long.getLong("raftkv.seed", System.nanoTime());

    private static LoadOptions options(long seed, double readRatio, int valueBytes, long keys) {
        return new LoadOptions(4, BenchMode.CLOSED, OptionalDouble.empty(), valueBytes, readRatio, keys, "bench/",
                Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(5), seed, BenchProtocol.RPC);
    }

    private static List<String> take(Workload w, int n) {
        List<String> ops = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            BenchOp op = w.next();
            ops.add(op.kind() + " " + op.key() + (op.value() == null ? "" : " " + new String(op.value(), StandardCharsets.US_ASCII)));
        }
        return ops;
    }

    @Test
    void theSameSeedAndSenderGiveTheSameOperations() {
        LoadOptions o = options(SEED, 0.3, 32, 1000);
        assertThat(take(Workload.forSenders(o, 3).get(2), 500)).as("seed %d", SEED)
                .isEqualTo(take(Workload.forSenders(o, 3).get(2), 500));
        assertThat(take(Workload.forSenders(o, 3).get(1), 500)).as("seed %d: senders differ", SEED)
                .isNotEqualTo(take(Workload.forSenders(o, 3).get(2), 500));
        assertThat(take(Workload.forSenders(options(SEED + 1, 0.3, 32, 1000), 1).get(0), 500)).as("seed %d", SEED)
                .isNotEqualTo(take(Workload.forSenders(o, 1).get(0), 500));
    }

    @Test
    void readsAreTheRequestedShareAndKeysAndValuesStayInTheirBounds() {
        for (double ratio : new double[] {0, 0.1, 0.5, 0.95, 1}) {
            Workload w = Workload.forSenders(options(SEED, ratio, 100, 50), 1).get(0);
            int reads = 0;
            Set<String> keys = new HashSet<>();
            for (int i = 0; i < 20_000; i++) {
                BenchOp op = w.next();
                keys.add(op.key());
                if (op.kind() == OpKind.READ) {
                    reads++;
                    assertThat(op.value()).isNull();
                } else {
                    assertThat(op.value()).hasSize(100);
                    assertThat(new String(op.value(), StandardCharsets.US_ASCII)).matches("[A-Za-z0-9]{100}");
                }
            }
            // 20,000 draws: the share is within 0.02 of the ratio except with a chance of about 1e-9
            assertThat(reads / 20_000.0).as("seed %d, ratio %s", SEED, ratio).isCloseTo(ratio,
                    org.assertj.core.data.Offset.offset(0.02));
            assertThat(keys).as("seed %d: 20,000 draws over 50 keys reach them all", SEED).hasSize(50)
                    .allMatch(k -> k.matches("bench/(\\d|[1-4]\\d)"));
        }
    }

    @Test
    void emptyValuesAreFine() {
        BenchOp op = Workload.forSenders(options(SEED, 0, 0, 1), 1).get(0).next();
        assertThat(op.kind()).isEqualTo(OpKind.WRITE);
        assertThat(op.key()).isEqualTo("bench/0");
        assertThat(op.value()).isEmpty();
    }
}
