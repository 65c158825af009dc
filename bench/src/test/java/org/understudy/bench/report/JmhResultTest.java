package org.understudy.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class JmhResultTest {

    @Test
    void jsonEscapesAndNestingParse() {
        Object parsed = MiniJson.parse("{\"a\" : [1, -2.5e3, true, null, \"x\\\"y\\u00e9\"], \"b\" : {}}");
        assertThat(parsed.toString()).isEqualTo("{a=[1.0, -2500.0, true, null, x\"yé], b={}}");
    }

    @Test
    void sampleTimeResultsKeepTheirPercentilesInTheirUnit() {
        List<JmhResult> results = JmhResult.parse("""
                [ { "benchmark" : "org.example.FooBenchmark.bar", "mode" : "sample",
                    "params" : { "impl" : "raw-echo" },
                    "primaryMetric" : { "score" : 0.05, "scoreError" : 0.005, "scoreUnit" : "ms/op",
                        "scorePercentiles" : { "0.0" : 0.01, "50.0" : 0.04, "99.0" : 0.2, "100.0" : 3.0 } } } ]""");

        JmhResult r = results.get(0);
        assertThat(r.benchmark()).isEqualTo("FooBenchmark.bar");
        assertThat(r.param("impl")).isEqualTo("raw-echo");
        assertThat(r.param("payloadBytes")).isEmpty();
        assertThat(r.microsPerOp()).isCloseTo(50, within(1e-9));
        assertThat(r.percentileMicros(50)).isCloseTo(40, within(1e-9));
        assertThat(r.percentileMicros(99)).isCloseTo(200, within(1e-9));
        assertThat(r.percentileMicros(99.9)).isNaN();
        assertThat(r.relativeError()).isCloseTo(0.1, within(1e-9));
        assertThatThrownBy(r::opsPerSecond).isInstanceOf(IllegalStateException.class).hasMessageContaining("ms/op");
    }

    @Test
    void throughputResultsHaveNoPercentiles() {
        JmhResult r = JmhResult.parse("""
                [ { "benchmark" : "x.Y.z", "mode" : "thrpt", "primaryMetric" :
                    { "score" : 2.5, "scoreError" : "NaN", "scoreUnit" : "ops/ms" } } ]""").get(0);

        assertThat(r.opsPerSecond()).isCloseTo(2500, within(1e-9));
        assertThat(r.percentiles()).isEmpty();
        assertThat(Figures.withError(r.opsPerSecond(), r)).isEqualTo("2,500");
        assertThatThrownBy(r::microsPerOp).isInstanceOf(IllegalStateException.class).hasMessageContaining("ops/ms");
    }
}
