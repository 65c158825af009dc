package org.understudy.raft.core.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InflightsTest {

    @Test
    void fullByCount() {
        Inflights in = new Inflights(3, 0);
        assertThat(in.full()).isFalse();
        in.add(1, 100);
        in.add(2, 100);
        assertThat(in.full()).isFalse();
        in.add(3, 100);
        assertThat(in.full()).isTrue();
        assertThat(in.count()).isEqualTo(3);
        assertThat(in.bytes()).isEqualTo(300);
        assertThatThrownBy(() -> in.add(4, 1)).isInstanceOf(IllegalStateException.class);
        // The failed add changed nothing.
        assertThat(in.count()).isEqualTo(3);
        assertThat(in.bytes()).isEqualTo(300);
    }

    @Test
    void fullByBytesOnlyWhenABudgetIsSet() {
        Inflights in = new Inflights(100, 250);
        in.add(1, 100);
        in.add(2, 100);
        assertThat(in.full()).isFalse();
        in.add(3, 50);
        assertThat(in.full()).as("bytes reached the budget").isTrue();
        in.freeLE(1);
        assertThat(in.full()).isFalse();
        assertThat(in.bytes()).isEqualTo(150);

        // One message may overshoot the budget; then the window is full.
        Inflights big = new Inflights(100, 10);
        big.add(5, 1_000);
        assertThat(big.full()).isTrue();

        Inflights unlimited = new Inflights(100, 0);
        unlimited.add(1, Long.MAX_VALUE / 2);
        assertThat(unlimited.full()).isFalse();
    }

    @Test
    void freeLEFreesEverythingAtOrBelow() {
        Inflights in = new Inflights(10, 0);
        for (int i = 1; i <= 5; i++) {
            in.add(i * 10L, i);
        }
        in.freeLE(5);
        assertThat(in.count()).as("nothing at or below 5").isEqualTo(5);
        in.freeLE(20);
        assertThat(in.count()).isEqualTo(3);
        assertThat(in.bytes()).isEqualTo(3 + 4 + 5);
        in.freeLE(29);
        assertThat(in.count()).isEqualTo(3);
        in.freeLE(30);
        assertThat(in.count()).isEqualTo(2);
        in.freeLE(1_000);
        assertThat(in.count()).isZero();
        assertThat(in.bytes()).isZero();
        in.freeLE(2_000);
        assertThat(in.count()).isZero();
    }

    @Test
    void ringWrapsAroundAndGrowsToMaxCount() {
        Inflights in = new Inflights(10, 0);
        long next = 1;
        // Wrap several times with the window partly filled, then fill it completely.
        for (int round = 0; round < 7; round++) {
            for (int i = 0; i < 6; i++) {
                in.add(next++, 1);
            }
            in.freeLE(next - 3);
            assertThat(in.count()).isEqualTo(2);
        }
        while (!in.full()) {
            in.add(next++, 1);
        }
        assertThat(in.count()).isEqualTo(10);
        in.freeLE(next - 5);
        assertThat(in.count()).isEqualTo(4);
        assertThat(in.bytes()).isEqualTo(4);
    }

    @Test
    void indexesMustIncrease() {
        Inflights in = new Inflights(10, 0);
        in.add(5, 1);
        assertThatThrownBy(() -> in.add(5, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> in.add(4, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> in.add(6, -1)).isInstanceOf(IllegalArgumentException.class);
        in.add(6, 1);
        assertThat(in.count()).isEqualTo(2);
    }

    @Test
    void invalidLimitsAreRejected() {
        assertThatThrownBy(() -> new Inflights(0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Inflights(1, -1)).isInstanceOf(IllegalArgumentException.class);
        Inflights in = new Inflights(Integer.MAX_VALUE, 0);
        in.add(1, 1);
        assertThat(in.maxCount()).isEqualTo(Integer.MAX_VALUE);
        assertThat(in.maxBytes()).isZero();
    }

    @Test
    void resetEmptiesTheWindow() {
        Inflights in = new Inflights(2, 0);
        in.add(1, 7);
        in.add(2, 7);
        in.reset();
        assertThat(in.count()).isZero();
        assertThat(in.bytes()).isZero();
        assertThat(in.full()).isFalse();
        // After a reset (e.g. probe, then replicate again from a lower next) lower indexes are fine.
        in.add(1, 1);
        assertThat(in.count()).isEqualTo(1);
    }

    @Test
    void copyIsIndependent() {
        Inflights in = new Inflights(4, 100);
        in.add(1, 10);
        in.add(2, 20);
        Inflights copy = in.copy();
        in.freeLE(1);
        in.add(3, 30);
        assertThat(copy.count()).isEqualTo(2);
        assertThat(copy.bytes()).isEqualTo(30);
        copy.add(3, 5);
        copy.freeLE(2);
        assertThat(copy.count()).isEqualTo(1);
        assertThat(copy.bytes()).isEqualTo(5);
        assertThat(in.count()).isEqualTo(2);
        assertThat(in.bytes()).isEqualTo(50);
        assertThat(copy.maxCount()).isEqualTo(4);
        assertThat(copy.maxBytes()).isEqualTo(100);
    }

    @Test
    void copyEmptyKeepsOnlyTheLimits() {
        Inflights in = new Inflights(3, 60);
        in.add(1, 10);
        Inflights empty = in.copyEmpty();
        assertThat(empty.count()).isZero();
        assertThat(empty.bytes()).isZero();
        assertThat(empty.maxCount()).isEqualTo(3);
        assertThat(empty.maxBytes()).isEqualTo(60);
        assertThat(in.count()).isEqualTo(1);
    }

    @Test
    void toStringShowsCountAndRange() {
        Inflights in = new Inflights(4, 100);
        in.add(3, 10);
        in.add(8, 20);
        assertThat(in.toString()).contains("count=2/4", "bytes=30/100", "first=3", "last=8");
    }

    /** Random adds and frees against a plain deque; the failing seed is in the message. */
    @Test
    void matchesNaiveModel() {
        for (int seed = 0; seed < 300; seed++) {
            Random rnd = new Random(seed);
            int maxCount = 1 + rnd.nextInt(20);
            long maxBytes = rnd.nextBoolean() ? 0 : 1 + rnd.nextInt(500);
            Inflights in = new Inflights(maxCount, maxBytes);
            ArrayDeque<long[]> model = new ArrayDeque<>();
            long next = 1 + rnd.nextInt(100);
            for (int step = 0; step < 300; step++) {
                String ctx = "seed " + seed + " step " + step;
                long modelBytes = model.stream().mapToLong(e -> e[1]).sum();
                boolean modelFull = model.size() >= maxCount || (maxBytes > 0 && modelBytes >= maxBytes);
                assertThat(in.full()).as(ctx).isEqualTo(modelFull);
                assertThat(in.count()).as(ctx).isEqualTo(model.size());
                assertThat(in.bytes()).as(ctx).isEqualTo(modelBytes);
                int op = rnd.nextInt(10);
                if (op < 6) {
                    long bytes = rnd.nextInt(100);
                    next += 1 + rnd.nextInt(3);
                    if (modelFull) {
                        long index = next;
                        assertThatThrownBy(() -> in.add(index, bytes)).as(ctx).isInstanceOf(IllegalStateException.class);
                    } else {
                        in.add(next, bytes);
                        model.addLast(new long[] {next, bytes});
                    }
                } else if (op < 9) {
                    long to = next - rnd.nextInt(10);
                    in.freeLE(to);
                    while (!model.isEmpty() && model.peekFirst()[0] <= to) {
                        model.removeFirst();
                    }
                } else {
                    in.reset();
                    model.clear();
                }
            }
        }
    }
}
