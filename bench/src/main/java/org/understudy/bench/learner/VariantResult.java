package org.understudy.bench.learner;

import java.util.List;
import java.util.Optional;

/**
 * Everything one catch-up variant measured.
 *
 * @param fillEntries writes acknowledged while the log was filled
 * @param fillSeconds how long the fill took
 * @param phases {@link Phases#BEFORE}, {@link Phases#CATCH_UP}, {@link Phases#PROMOTION}, in that order
 */
record VariantResult(CatchUpVariant variant, long snapshotCount, long fillEntries, double fillSeconds,
        CatchUpFigures catchUp, List<PhaseFigures> phases, PromotionFigures promotion) {

    Optional<PhaseFigures> phase(String name) {
        return phases.stream().filter(p -> p.phase().equals(name)).findFirst();
    }

    /** The phase's p99 write latency ÷ the steady state's ({@link Phases#BEFORE}); {@code NaN} when either has none. */
    double p99VersusBefore(String name) {
        Optional<PhaseFigures> before = phase(Phases.BEFORE);
        Optional<PhaseFigures> p = phase(name);
        if (before.isEmpty() || p.isEmpty()) {
            return Double.NaN;
        }
        return p.get().p99Millis() / before.get().p99Millis();
    }
}
