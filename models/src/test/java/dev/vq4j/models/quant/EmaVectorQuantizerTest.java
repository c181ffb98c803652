package dev.vq4j.models.quant;

import dev.vq4j.autograd.GradMode;
import dev.vq4j.autograd.Tensor;
import dev.vq4j.core.Rng;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class EmaVectorQuantizerTest {
    private static final float[] CODES = {0, 0, 1, 1, 5, 5};
    // 4 latents (N=1, H=2, W=2, D=2), channels-last rows: (0.2,0.1) (0.9,1.2) (1.1,0.8) (-0.1,0.3)
    private static final float[][] ROWS = {{0.2f, 0.1f}, {0.9f, 1.2f}, {1.1f, 0.8f}, {-0.1f, 0.3f}};

    private static Tensor latents() {
        float[] v = new float[8];
        for (int p = 0; p < 4; p++) for (int d = 0; d < 2; d++) v[d * 4 + p] = ROWS[p][d];
        return Tensor.of(v, 1, 2, 2, 2).requiresGrad(true);
    }

    private static EmaVectorQuantizer withCodes(float decay, float eps) {
        EmaVectorQuantizer q = new EmaVectorQuantizer(3, 2, 0.25f, decay, eps, new Rng(1));
        try (var ignored = GradMode.noGrad()) {
            q.codebook().copyFrom(Tensor.of(CODES, 3, 2));
            q.embedAvg().copyFrom(Tensor.of(CODES, 3, 2));
        }
        return q;
    }

    @Test
    void oneStepMatchesHandComputation() {
        float decay = 0.9f, eps = 1e-5f;
        EmaVectorQuantizer q = withCodes(decay, eps);
        Quantizer.Output o = q.quantize(latents());
        assertArrayEquals(new long[] {0, 1, 1, 0}, o.indices().toLongArray());
        // counts n = (2, 2, 0); sums s_0 = (0.1, 0.4), s_1 = (2.0, 2.0), s_2 = 0
        double[] n = {2, 2, 0};
        double[][] s = {{0.1, 0.4}, {2.0, 2.0}, {0, 0}};
        double[] size = new double[3];
        double[][] avg = new double[3][2];
        double total = 0;
        for (int k = 0; k < 3; k++) {
            size[k] = decay * 1 + (1 - decay) * n[k];
            total += size[k];
            for (int d = 0; d < 2; d++) avg[k][d] = decay * CODES[2 * k + d] + (1 - decay) * s[k][d];
        }
        float[] w = q.codebook().toFloatArray(), cs = q.clusterSize().toFloatArray(), ea = q.embedAvg().toFloatArray();
        for (int k = 0; k < 3; k++) {
            assertEquals(size[k], cs[k], 1e-6);
            double smoothed = (size[k] + eps) / (total + 3 * eps) * total;
            for (int d = 0; d < 2; d++) {
                assertEquals(avg[k][d], ea[2 * k + d], 1e-6);
                assertEquals(avg[k][d] / smoothed, w[2 * k + d], 1e-6);
            }
        }
        // loss = β · mean((z − e)²) with the codes before the update
        double se = 0;
        long[] idx = {0, 1, 1, 0};
        for (int p = 0; p < 4; p++) for (int d = 0; d < 2; d++) se += Math.pow(ROWS[p][d] - CODES[2 * (int) idx[p] + d], 2);
        assertEquals(0.25 * se / 8, o.loss().item(), 1e-6);
        assertEquals(java.util.Set.of("embedding.weight", "cluster_size", "embed_avg"), q.stateDict().keySet());
        assertTrue(q.parameters().isEmpty(), "the codebook is not a gradient parameter");
    }

    @Test
    void evalModeDoesNotUpdate() {
        EmaVectorQuantizer q = withCodes(0.9f, 1e-5f);
        q.eval();
        q.quantize(latents());
        assertArrayEquals(CODES, q.codebook().toFloatArray());
        assertArrayEquals(new float[] {1, 1, 1}, q.clusterSize().toFloatArray());
    }

    @Test
    void lossGradientIsCommitmentOnlyAndStraightThrough() {
        EmaVectorQuantizer q = withCodes(0.9f, 1e-5f);
        q.eval();
        Tensor z = latents();
        Quantizer.Output o = q.quantize(z);
        o.loss().backward();
        float[] zf = z.toFloatArray(), g = z.grad().toFloatArray();
        long[] idx = o.indices().toLongArray();
        for (int d = 0; d < 2; d++)
            for (int p = 0; p < 4; p++) // d/dz β·mean((z − e)²) = 2β(z − e)/8
                assertEquals(2 * 0.25 * (zf[d * 4 + p] - CODES[2 * (int) idx[p] + d]) / 8, g[d * 4 + p], 1e-6);
        QuantTesting.checkStraightThrough(q, z);
        QuantTesting.checkContract(q, QuantTesting.latents(3, 2, 2, 3, 3), 3);
    }

    @Test
    void deadCodesRestartFromCurrentLatents() {
        EmaVectorQuantizer q = withCodes(0.5f, 1e-5f);
        q.deadCodeThreshold(0.6f);
        Tensor z = latents();
        q.quantize(z);
        float[] w = q.codebook().toFloatArray(), cs = q.clusterSize().toFloatArray(), ea = q.embedAvg().toFloatArray();
        float[] rows = {0.2f, 0.1f, 0.9f, 1.2f, 1.1f, 0.8f, -0.1f, 0.3f};
        assertTrue(VectorQuantizerTest.isRowOf(rows, w[4], w[5]), "code 2 restarted from a latent: " + w[4] + ", " + w[5]);
        assertEquals(0.6f, cs[2]);
        assertEquals(w[4] * 0.6f, ea[4], 1e-6);
        assertEquals(1.5f, cs[0], 1e-6); // used codes keep their statistics
    }

    @Test
    void kmeansInitIsDeterministicAndBeatsRandomInit() {
        Tensor data = Clusters.sample(new Rng(3), 6, 2, 300);
        Tensor z = data.reshape(3, 100, 2).permute(0, 2, 1).reshape(3, 2, 10, 10);
        EmaVectorQuantizer a = new EmaVectorQuantizer(6, 2, 0.25f, 0.99f, 1e-5f, new Rng(9));
        a.kmeansInit(10);
        EmaVectorQuantizer b = new EmaVectorQuantizer(6, 2, 0.25f, 0.99f, 1e-5f, new Rng(9));
        b.kmeansInit(10);
        a.quantize(z);
        b.quantize(z);
        assertArrayEquals(a.codebook().toFloatArray(), b.codebook().toFloatArray());
        EmaVectorQuantizer random = new EmaVectorQuantizer(6, 2, 0.25f, 0.99f, 1e-5f, new Rng(9));
        random.quantize(z);
        double dk = KMeans.distortion(data, a.codebook()), dr = KMeans.distortion(data, random.codebook());
        assertTrue(dk < 0.5 * dr, "k-means " + dk + " vs random " + dr);
        float total = 0;
        for (float c : a.clusterSize().toFloatArray()) total += c;
        assertTrue(total > 250, "cluster sizes start from the k-means counts: " + total);
    }
}
