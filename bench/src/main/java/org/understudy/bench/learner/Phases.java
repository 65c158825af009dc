package org.understudy.bench.learner;

import java.util.List;

/** The names of the phases a variant runs its write load through, in order. */
final class Phases {
    /** A steady window with the three voters only, the load's reference. */
    static final String BEFORE = "before";
    /** From the {@code member add} until the learner has caught up. */
    static final String CATCH_UP = "catch-up";
    /** From the first promote attempt until the new voter is a voter on every member, plus a settling window. */
    static final String PROMOTION = "promotion";
    static final List<String> ALL = List.of(BEFORE, CATCH_UP, PROMOTION);

    private Phases() {}
}
