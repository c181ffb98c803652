package dev.vq4j.models.quant;

import dev.vq4j.autograd.Shaping;
import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.oracle.Input;
import dev.vq4j.autograd.oracle.OpCheck;
import dev.vq4j.autograd.oracle.TorchParityTest;
import dev.vq4j.core.Rng;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** VectorQuantizer against a taming-transformers-style quantiser written in PyTorch, plus its contract. */
class VectorQuantizerTest extends TorchParityTest {
    /**
     * Python: taming's VectorQuantizer2 forward on z (x0) and codebook e (x1); returns
     * cat(quantized.flatten(), loss) so one random upstream gradient checks both paths.
     * {@code codebookW}/{@code commitW} weight ‖sg(z) − e‖² and ‖z − sg(e)‖².
     */
    private static String tamingExpr(String z, float codebookW, float commitW, boolean cosine) {
        String norm = cosine ? "F.normalize" : "(lambda t, dim: t)";
        return "(lambda zp, e: (lambda zf: (lambda q: torch.cat([(zp + (q - zp).detach()).permute(0, 3, 1, 2).flatten(), "
                + "(" + codebookW + " * torch.mean((q - zp.detach()) ** 2) + " + commitW + " * torch.mean((q.detach() - zp) ** 2)).reshape(1)]))"
                + "(e[torch.argmin((zf ** 2).sum(1, keepdim=True) + (e ** 2).sum(1) - 2 * zf @ e.t(), 1)].view(zp.shape)))"
                + "(zp.reshape(-1, e.shape[1])))(" + norm + "(" + z + ".permute(0, 2, 3, 1), dim=-1), " + norm + "(x1, dim=-1))";
    }

    private static Tensor javaSide(VectorQuantizer vq, Tensor z, Tensor codebook) {
        Quantizer.Output o = vq.quantize(z, codebook);
        return Shaping.cat(List.of(o.quantized().flatten(), o.loss().reshape(1)), 0);
    }

    @Test
    void paperLossAndGradientsMatchTorch() {
        VectorQuantizer vq = new VectorQuantizer(7, 3, 0.25f, false, new Rng(1));
        torch.check("vq.paper").python(tamingExpr("x0", 1f, 0.25f, false))
                .java(x -> javaSide(vq, x[0], x[1]))
                .inputs(Input.randn(2, 3, 5, 4), Input.randn(7, 3)).tol(OpCheck.REDUCTION).run();
    }

    @Test
    void legacyLossSwapsTheWeighting() {
        VectorQuantizer vq = new VectorQuantizer(9, 4, 0.3f, true, new Rng(1));
        torch.check("vq.legacy").python(tamingExpr("x0", 0.3f, 1f, false))
                .java(x -> javaSide(vq, x[0], x[1]))
                .inputs(Input.randn(3, 4, 3, 5), Input.randn(9, 4)).tol(OpCheck.REDUCTION).run();
    }

    @Test
    void nonContiguousLatents() {
        VectorQuantizer vq = new VectorQuantizer(6, 2, 0.25f, false, new Rng(1));
        torch.check("vq.transposed").python(tamingExpr("x0.transpose(2, 3)", 1f, 0.25f, false))
                .java(x -> javaSide(vq, x[0].transpose(2, 3), x[1]))
                .inputs(Input.randn(2, 2, 3, 5), Input.randn(6, 2)).tol(OpCheck.REDUCTION).run();
    }

    @Test
    void cosineCodesMatchTorch() {
        VectorQuantizer vq = new VectorQuantizer(8, 3, 0.25f, false, new Rng(1)).cosine(true);
        torch.check("vq.cosine").python(tamingExpr("x0", 1f, 0.25f, true))
                .java(x -> javaSide(vq, x[0], x[1]))
                .inputs(Input.randn(2, 3, 4, 3), Input.randn(8, 3)).tol(OpCheck.REDUCTION).run();
    }

    @Test
    void contractAndStraightThrough() {
        VectorQuantizer vq = new VectorQuantizer(16, 4, 0.25f, false, new Rng(2));
        Tensor z = QuantTesting.latents(3, 2, 4, 5, 3);
        Quantizer.Output o = QuantTesting.checkContract(vq, z, 3);
        // every quantised vector is the nearest code
        Tensor zf = z.detach().permute(0, 2, 3, 1).reshape(-1, 4);
        Tensor d = CodebookSearch.distances(zf, vq.codebook().detach());
        long[] idx = o.indices().toLongArray();
        for (int i = 0; i < idx.length; i++)
            for (int k = 0; k < 16; k++) assertTrue(d.get(i, (int) idx[i]) <= d.get(i, k));
        QuantTesting.checkStraightThrough(vq, z);
        vq.eval();
        QuantTesting.checkStraightThrough(vq, z);
        // cosine: straight through to the normalised z (its gradient is checked against PyTorch above)
    }

    @Test
    void tamingParameterNameAndInit() {
        VectorQuantizer vq = new VectorQuantizer(10, 3, 0.25f, true, new Rng(5));
        assertEquals(List.of("embedding.weight"), List.copyOf(vq.stateDict().keySet()));
        assertArrayEquals(new int[] {10, 3}, vq.codebook().shape());
        for (float v : vq.codebook().toFloatArray()) assertTrue(Math.abs(v) <= 0.1f);
        assertTrue(vq.codebook().requiresGrad());
    }

    @Test
    void wrongChannelsNameTheShapes() {
        VectorQuantizer vq = new VectorQuantizer(4, 3, 0.25f, false, new Rng(1));
        var e = assertThrows(IllegalArgumentException.class, () -> vq.quantize(Tensor.zeros(1, 5, 2, 2)));
        assertEquals("VectorQuantizer: latents [1, 5, 2, 2] have 5 channels, the quantiser expects D = 3", e.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> vq.quantize(Tensor.zeros(3, 2)));
        assertTrue(e2.getMessage().contains("[N, D, H, W]"), e2.getMessage());
    }

    @Test
    void kmeansInitReducesDistortion() {
        Tensor data = Clusters.sample(new Rng(4), 8, 3, 400);
        double random = KMeans.distortion(data, new VectorQuantizer(8, 3, 0.25f, false, new Rng(1)).codebook().detach());
        double samples = KMeans.distortion(data, Tensor.of(KMeans.fit(data, 8, 0, new Rng(7)).centroids(), 8, 3));
        double lloyd = KMeans.distortion(data, Tensor.of(KMeans.fit(data, 8, 10, new Rng(7)).centroids(), 8, 3));
        assertTrue(lloyd < samples && samples < random, "distortion: lloyd " + lloyd + ", samples " + samples + ", random init " + random);
        // through the module: the first training batch initialises the codebook, once
        VectorQuantizer vq = new VectorQuantizer(8, 3, 0.25f, false, new Rng(1)).kmeansInit(10);
        Tensor z = data.reshape(4, 100, 3).permute(0, 2, 1).reshape(4, 3, 10, 10);
        float before = vq.quantize(z).loss().item();
        float[] cb = vq.codebook().toFloatArray();
        assertTrue(KMeans.distortion(data, vq.codebook().detach()) < samples);
        vq.quantize(z);
        assertArrayEquals(cb, vq.codebook().toFloatArray(), "initialised only once");
        assertEquals(1f, vq.stateDict().get("initted").item());
        assertTrue(before < new VectorQuantizer(8, 3, 0.25f, false, new Rng(1)).quantize(z).loss().item());
    }

    @Test
    void deadCodesRestartFromLatents() {
        VectorQuantizer vq = new VectorQuantizer(4, 2, 0.25f, false, new Rng(1)).deadCodeThreshold(0.6f).usageDecay(0.5f);
        try (var ignored = dev.vq4j.autograd.GradMode.noGrad()) {
            vq.codebook().copyFrom(Tensor.of(new float[] {0, 0, 1, 1, 100, 100, -100, -100}, 4, 2));
        }
        Tensor z = Tensor.of(new float[] {0.1f, 0.9f, 0.2f, 0.8f, 0.1f, 0.2f, 0.9f, 0.1f}, 1, 2, 2, 2);
        vq.quantize(z);
        float[] w = vq.codebook().toFloatArray();
        float[] zf = z.permute(0, 2, 3, 1).reshape(-1, 2).contiguous().toFloatArray();
        for (int k = 2; k < 4; k++) assertTrue(isRowOf(zf, w[2 * k], w[2 * k + 1]), "code " + k + " restarted from a latent: " + w[2 * k] + ", " + w[2 * k + 1]);
        assertArrayEquals(new float[] {0, 0, 1, 1}, java.util.Arrays.copyOf(w, 4), "used codes stay");
    }

    static boolean isRowOf(float[] rows, float a, float b) {
        for (int i = 0; i < rows.length; i += 2) if (rows[i] == a && rows[i + 1] == b) return true;
        return false;
    }
}
