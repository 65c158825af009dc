package org.understudy.examples.kv.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.OptionalDouble;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.understudy.examples.kv.bench.BenchOptionException.Code;

/** Every option that cannot be run is refused with its own code and a sentence that names the option. */
class LoadOptionsTest {

    /** A mutable copy of the options, for changing one at a time. */
    private static final class Args {
        int clients = 16;
        BenchMode mode = BenchMode.CLOSED;
        OptionalDouble rate = OptionalDouble.empty();
        int valueBytes = 1024;
        double readRatio = 0.5;
        long keys = 10_000;
        String keyPrefix = "bench/";
        Duration warmup = Duration.ofSeconds(3);
        Duration duration = Duration.ofSeconds(30);
        Duration timeout = Duration.ofSeconds(5);

        LoadOptions build() {
            return new LoadOptions(clients, mode, rate, valueBytes, readRatio, keys, keyPrefix, warmup, duration, timeout,
                    1, BenchProtocol.RPC);
        }
    }

    private static void refused(UnaryOperator<Args> change, Code code, String names) {
        assertThatThrownBy(() -> change.apply(new Args()).build())
                .isInstanceOfSatisfying(BenchOptionException.class, e -> {
                    assertThat(e.code()).isEqualTo(code);
                    assertThat(e.getMessage()).contains(names).doesNotContain("\n");
                    assertThat(e.line()).startsWith(code + ": ");
                    assertThat(e.getStackTrace()).isEmpty();
                });
    }

    @Test
    void theDefaultsAndTheLimitsAreAccepted() {
        assertThat(new Args().build().clients()).isEqualTo(16);
        Args a = new Args();
        a.mode = BenchMode.FIXED_RATE;
        a.rate = OptionalDouble.of(LoadOptions.MAX_RATE);
        a.clients = LoadOptions.MAX_CLIENTS;
        a.valueBytes = 0;
        a.readRatio = 1;
        a.keys = 1;
        a.warmup = Duration.ZERO;
        assertThat(a.build().rate()).hasValue(LoadOptions.MAX_RATE);
    }

    @Test
    void eachBadOptionHasItsCode() {
        refused(a -> { a.clients = 0; return a; }, Code.BAD_CLIENTS, "--clients");
        refused(a -> { a.clients = LoadOptions.MAX_CLIENTS + 1; return a; }, Code.BAD_CLIENTS, "--clients");
        refused(a -> { a.mode = BenchMode.FIXED_RATE; return a; }, Code.RATE_REQUIRED, "--rate");
        refused(a -> { a.rate = OptionalDouble.of(100); return a; }, Code.RATE_WITHOUT_FIXED_RATE, "--rate");
        refused(a -> { a.mode = BenchMode.FIXED_RATE; a.rate = OptionalDouble.of(0); return a; }, Code.BAD_RATE, "--rate");
        refused(a -> { a.mode = BenchMode.FIXED_RATE; a.rate = OptionalDouble.of(Double.NaN); return a; }, Code.BAD_RATE,
                "--rate");
        refused(a -> { a.mode = BenchMode.FIXED_RATE; a.rate = OptionalDouble.of(2e7); return a; }, Code.BAD_RATE, "--rate");
        refused(a -> { a.valueBytes = -1; return a; }, Code.BAD_VALUE_BYTES, "--value-bytes");
        refused(a -> { a.valueBytes = LoadOptions.MAX_VALUE_BYTES + 1; return a; }, Code.BAD_VALUE_BYTES, "--value-bytes");
        refused(a -> { a.readRatio = 1.01; return a; }, Code.BAD_READ_RATIO, "--read-ratio");
        refused(a -> { a.readRatio = -0.1; return a; }, Code.BAD_READ_RATIO, "--read-ratio");
        refused(a -> { a.readRatio = Double.NaN; return a; }, Code.BAD_READ_RATIO, "--read-ratio");
        refused(a -> { a.keys = 0; return a; }, Code.BAD_KEYS, "--keys");
        refused(a -> { a.keyPrefix = "a\nb"; return a; }, Code.BAD_KEYS, "--key-prefix");
        refused(a -> { a.duration = Duration.ZERO; return a; }, Code.BAD_DURATION, "--duration");
        refused(a -> { a.duration = Duration.ofDays(31); return a; }, Code.BAD_DURATION, "--duration");
        refused(a -> { a.warmup = Duration.ofSeconds(-1); return a; }, Code.BAD_WARMUP, "--warmup");
        refused(a -> { a.timeout = Duration.ZERO; return a; }, Code.BAD_TIMEOUT, "--timeout");
    }

    @Test
    void modesAndProtocolsParseTheirFlagsOnly() {
        assertThat(BenchMode.parse("Fixed-Rate")).isEqualTo(BenchMode.FIXED_RATE);
        assertThat(BenchMode.parse("closed")).isEqualTo(BenchMode.CLOSED);
        assertThat(BenchProtocol.parse("HTTP")).isEqualTo(BenchProtocol.HTTP);
        assertThatThrownBy(() -> BenchMode.parse("open")).isInstanceOfSatisfying(BenchOptionException.class,
                e -> assertThat(e.line()).isEqualTo("BAD_MODE: --mode must be closed or fixed-rate, not 'open'"));
        assertThatThrownBy(() -> BenchProtocol.parse("grpc")).isInstanceOfSatisfying(BenchOptionException.class,
                e -> assertThat(e.code()).isEqualTo(Code.BAD_PROTOCOL));
    }
}
