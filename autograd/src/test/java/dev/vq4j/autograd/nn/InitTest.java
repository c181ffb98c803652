package dev.vq4j.autograd.nn;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.core.Rng;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** PyTorch's default initialisations: ranges from the right fan_in, moments of the distributions. */
class InitTest {

    /** All values in [-bound, bound], the extremes near the bound, mean near 0 and variance near bound²/3. */
    static void assertUniform(Tensor t, double bound, String what) {
        float[] v = t.toFloatArray();
        double max = 0, sum = 0, sq = 0;
        for (float x : v) {
            max = Math.max(max, Math.abs(x));
            sum += x;
            sq += (double) x * x;
        }
        int n = v.length;
        assertTrue(max <= bound, what + ": max |w| " + max + " exceeds the bound " + bound);
        assertTrue(max > bound * (1 - 10.0 / n), what + ": max |w| " + max + " is far below the bound " + bound + " (wrong fan?)");
        double mean = sum / n, var = sq / n - mean * mean, expectedVar = bound * bound / 3;
        assertEquals(0, mean, 4 * Math.sqrt(expectedVar / n), what + ": mean");
        assertEquals(expectedVar, var, expectedVar * 6 / Math.sqrt(n), what + ": variance");
    }

    @Test
    void linearUsesOneOverSqrtFanIn() {
        Linear l = new Linear(50, 40, true, new Rng(1));
        assertUniform(l.weight(), 1 / Math.sqrt(50), "Linear weight");
        float[] b = l.bias().toFloatArray();
        for (float x : b) assertTrue(Math.abs(x) <= 1 / Math.sqrt(50));
    }

    @Test
    void conv2dFanInIsInputChannelsPerGroupTimesKernel() {
        Conv2d c = new Conv2d(12, 16, new int[] {3, 5}, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, 2, true, new Rng(2));
        double bound = 1 / Math.sqrt(6 * 15); // [16, 6, 3, 5]
        assertUniform(c.weight(), bound, "Conv2d weight");
        for (float x : c.bias().toFloatArray()) assertTrue(Math.abs(x) <= bound);
    }

    @Test
    void convTransposeFanInComesFromWeightDimOne() {
        // weight [in=6, out/groups=4, 3, 3]: PyTorch's fan_in = size(1)*k*k = 36, not 6*9 = 54 or (6/2)*9 = 27
        ConvTranspose2d c = new ConvTranspose2d(6, 8, new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 1}, 2, true,
                new int[] {1, 1}, new Rng(3));
        assertArrayEquals(new int[] {6, 4, 3, 3}, c.weight().shape());
        assertUniform(c.weight(), 1.0 / 6, "ConvTranspose2d weight");
        float[] b = c.bias().toFloatArray();
        assertEquals(8, b.length);
        for (float x : b) assertTrue(Math.abs(x) <= 1.0 / 6);
    }

    @Test
    void embeddingIsStandardNormal() {
        Tensor w = new Embedding(200, 50, new Rng(4)).weight();
        float[] v = w.toFloatArray();
        double sum = 0, sq = 0;
        for (float x : v) { sum += x; sq += (double) x * x; }
        double mean = sum / v.length, std = Math.sqrt(sq / v.length - mean * mean);
        assertEquals(0, mean, 0.05);
        assertEquals(1, std, 0.03);
    }

    @Test
    void normsStartAsIdentity() {
        for (Module m : new Module[] {new GroupNorm(2, 6), new LayerNorm(6), new BatchNorm2d(6)}) {
            assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1}, m.stateDict().get("weight").toFloatArray(), m.toString());
            assertArrayEquals(new float[6], m.stateDict().get("bias").toFloatArray(), m.toString());
        }
        BatchNorm2d bn = new BatchNorm2d(3);
        assertArrayEquals(new float[3], bn.runningMean().toFloatArray());
        assertArrayEquals(new float[] {1, 1, 1}, bn.runningVar().toFloatArray());
        assertEquals(0, bn.numBatchesTracked().toLongArray()[0]);
        assertNull(new GroupNorm(2, 6, 1e-5f, false).weight());
        assertTrue(new BatchNorm2d(3, 1e-5f, 0.1, false, false).stateDict().isEmpty());
    }

    @Test
    void fansAndGains() {
        assertArrayEquals(new int[] {4 * 9, 8 * 9}, Init.fanInAndFanOut(Tensor.zeros(8, 4, 3, 3)));
        assertArrayEquals(new int[] {5, 7}, Init.fanInAndFanOut(Tensor.zeros(7, 5)));
        assertThrows(IllegalArgumentException.class, () -> Init.fanInAndFanOut(Tensor.zeros(5)));
        assertEquals(Math.sqrt(2), Init.gain("relu", 0), 1e-15);
        assertEquals(Math.sqrt(1.0 / 3), Init.gain("leaky_relu", Math.sqrt(5)), 1e-15);
        assertEquals(5.0 / 3, Init.gain("tanh", 0), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> Init.gain("swish", 0));
    }

    @Test
    void xavierAndKaimingRanges() {
        Tensor t = Tensor.zeros(60, 40);
        Init.xavierUniform(t, 1.0, new Rng(5));
        assertUniform(t, Math.sqrt(6.0 / 100), "xavier_uniform");
        Init.kaimingUniform(t, 0, Init.FanMode.FAN_OUT, "relu", new Rng(6));
        assertUniform(t, Math.sqrt(2) * Math.sqrt(3.0 / 60), "kaiming_uniform fan_out");
        Init.kaimingNormal(t, 0, Init.FanMode.FAN_IN, "relu", new Rng(7));
        float[] v = t.toFloatArray();
        double sq = 0;
        for (float x : v) sq += (double) x * x;
        assertEquals(Math.sqrt(2.0 / 40), Math.sqrt(sq / v.length), 0.06 * Math.sqrt(2.0 / 40));
    }

    @Test
    void initialisationIsReproducible() {
        assertArrayEquals(new Linear(7, 5, true, new Rng(11)).weight().toFloatArray(), new Linear(7, 5, true, new Rng(11)).weight().toFloatArray());
        assertFalse(java.util.Arrays.equals(new Linear(7, 5, true, new Rng(11)).weight().toFloatArray(),
                new Linear(7, 5, true, new Rng(12)).weight().toFloatArray()));
        Init.manualSeed(42);
        float[] a = new Linear(7, 5).weight().toFloatArray();
        Init.manualSeed(42);
        assertArrayEquals(a, new Linear(7, 5).weight().toFloatArray());
    }

    @Test
    void initialisersWorkOnParametersAndViews() {
        Linear l = new Linear(4, 4, true, new Rng(1));
        Init.zeros(l.weight());
        assertArrayEquals(new float[16], l.weight().toFloatArray());
        Tensor t = Tensor.zeros(3, 4);
        Init.constant(t.t(), 2.5); // a non-contiguous view
        for (float x : t.toFloatArray()) assertEquals(2.5f, x);
        Tensor u = Tensor.zeros(2, 3);
        Init.uniform(u.t(), -1, 1, new Rng(2));
        for (float x : u.toFloatArray()) assertTrue(x >= -1 && x < 1 && x != 0);
    }
}
