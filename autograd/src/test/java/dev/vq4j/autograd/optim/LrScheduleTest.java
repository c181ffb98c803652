package dev.vq4j.autograd.optim;

import dev.vq4j.autograd.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Learning-rate schedules at their key steps. */
class LrScheduleTest {

    @Test
    void constant() {
        LrSchedule s = LrSchedule.constant(3e-4);
        assertEquals(3e-4, s.lr(0));
        assertEquals(3e-4, s.lr(1_000_000));
    }

    @Test
    void warmupThenCosine() {
        LrSchedule s = LrSchedule.warmupCosine(1e-3, 100, 1100, 1e-5);
        assertEquals(0, s.lr(0));
        assertEquals(1e-3 * 0.25, s.lr(25), 1e-15);
        assertEquals(1e-3 * 0.99, s.lr(99), 1e-15);
        assertEquals(1e-3, s.lr(100), 1e-15);                              // peak at the end of warm-up
        assertEquals((1e-3 + 1e-5) / 2, s.lr(600), 1e-15);                 // halfway through the decay
        assertEquals(1e-5 + (1e-3 - 1e-5) * 0.5 * (1 + Math.cos(Math.PI * 0.25)), s.lr(350), 1e-15);
        assertEquals(1e-5, s.lr(1100), 1e-15);                             // min at the end
        assertEquals(1e-5, s.lr(5000), 1e-15);                             // and after it
        for (int i = 100; i < 1100; i++) assertTrue(s.lr(i + 1) <= s.lr(i), "decreasing at " + i);
        for (int i = 0; i < 100; i++) assertTrue(s.lr(i + 1) > s.lr(i), "increasing at " + i);
    }

    @Test
    void noWarmup() {
        LrSchedule s = LrSchedule.warmupCosine(0.1, 0, 10, 0);
        assertEquals(0.1, s.lr(0), 1e-15);
        assertEquals(0.05, s.lr(5), 1e-15);
        assertEquals(0, s.lr(10), 1e-15);
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.warmupCosine(1e-3, 10, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.warmupCosine(1e-3, 0, 10, 1e-2));
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.constant(-1));
    }

    @Test
    void appliesToAnOptimizer() {
        SGD sgd = new SGD(List.of(Tensor.ones(1).requiresGrad(true)), 1);
        LrSchedule.warmupCosine(0.2, 4, 8, 0).apply(sgd, 2);
        assertEquals(0.1, sgd.lr(), 1e-15);
    }
}
