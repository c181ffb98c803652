package dev.vq4j.models.prior.maskgit;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The mask schedule γ and the decoding plan: masked counts before step 1 and after each step. */
class MaskGitScheduleTest {

    @Test
    void gammaEndpointsAndShape() {
        for (MaskSchedule s : MaskSchedule.values()) {
            assertEquals(1.0, s.gamma(0), 0, s.name());
            assertEquals(0.0, s.gamma(1), 0, s.name());
        }
        assertEquals(Math.cos(Math.PI / 8), MaskSchedule.COSINE.gamma(0.25), 1e-15);
        assertEquals(0.75, MaskSchedule.LINEAR.gamma(0.25), 0);
        assertEquals(1 - 0.0625, MaskSchedule.SQUARE.gamma(0.25), 0);
        assertEquals(MaskSchedule.SQUARE, MaskSchedule.of("square"));
        assertThrows(IllegalArgumentException.class, () -> MaskSchedule.of("exp"));
        assertThrows(IllegalArgumentException.class, () -> MaskSchedule.COSINE.gamma(1.5));
    }

    @Test
    void plansComputedByHand() {
        // cosine, N = 16, T = 8: ⌈16·cos(π s/16)⌉ = 16, 15, 14, 12, 9, 7, 4, then 0; clamped to c − 1 in the first three steps
        assertArrayEquals(new int[] {16, 15, 14, 13, 12, 9, 7, 4, 0}, MaskSchedule.COSINE.plan(16, 8));
        // linear, N = 16, T = 8: 16·(1 − s/8)
        assertArrayEquals(new int[] {16, 14, 12, 10, 8, 6, 4, 2, 0}, MaskSchedule.LINEAR.plan(16, 8));
        // square, N = 16, T = 4: 16·(1 − s²/16) = 15, 12, 7, 0
        assertArrayEquals(new int[] {16, 15, 12, 7, 0}, MaskSchedule.SQUARE.plan(16, 4));
        // linear, N = 9, T = 3: 6, 3, 0 (in doubles (1 − 2/3)·9 = 3.0000000000000004; ⌈⌉ must still give 3)
        assertArrayEquals(new int[] {9, 6, 3, 0}, MaskSchedule.LINEAR.plan(9, 3));
        // more steps than tokens: one token per step until none are left
        assertArrayEquals(new int[] {3, 2, 1, 0, 0, 0, 0, 0, 0}, MaskSchedule.COSINE.plan(3, 8));
        // one step decides everything
        assertArrayEquals(new int[] {256, 0}, MaskSchedule.COSINE.plan(256, 1));
    }

    @Test
    void everyPlanIsMonotoneDecidesEachStepAndEndsAtZero() {
        for (MaskSchedule s : MaskSchedule.values())
            for (int n : new int[] {1, 2, 7, 16, 64, 256, 1024})
                for (int t : new int[] {1, 2, 3, 5, 8, 12, 20, 64}) {
                    int[] plan = s.plan(n, t);
                    String what = s + " N=" + n + " T=" + t;
                    assertEquals(n, plan[0], what);
                    assertEquals(0, plan[t], what + ": all decided at step T");
                    for (int i = 1; i <= t; i++) {
                        assertTrue(plan[i] <= plan[i - 1], what + ": monotone at step " + i);
                        assertTrue(plan[i - 1] == 0 || plan[i] < plan[i - 1], what + ": at least one token decided at step " + i);
                        if (i < t && plan[i] > 0 && plan[i] < plan[i - 1] - 1)
                            assertEquals(s.count((double) i / t, n), plan[i], what + ": unclamped steps follow ⌈γ(s/T)·N⌉");
                    }
                }
    }

    @Test
    void trainingCountsAreTheCosineAtLeastOne() {
        assertEquals(16, MaskSchedule.trainingCount(0, 16));
        assertEquals(1, MaskSchedule.trainingCount(0.999999, 16));
        assertEquals(12, MaskSchedule.trainingCount(0.5, 16)); // ⌈16·cos(π/4)⌉ = ⌈11.31⌉
        for (int i = 0; i < 1000; i++) {
            int c = MaskSchedule.trainingCount(i / 1000.0, 10);
            assertTrue(c >= 1 && c <= 10);
        }
    }
}
