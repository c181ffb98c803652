package dev.vq4j.models.quant;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.oracle.Input;
import dev.vq4j.autograd.oracle.OpCheck;
import dev.vq4j.autograd.oracle.TorchParityTest;
import dev.vq4j.core.Rng;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class FiniteScalarQuantizerTest extends TorchParityTest {
    /** The FSQ paper's reference quantize(), in PyTorch. */
    private static final String FSQ = "(lambda z, L: (lambda h, o: (lambda b: ((b + (torch.round(b) - b).detach()) / torch.div(L, 2, rounding_mode='floor')).permute(0, 3, 1, 2))"
            + "(torch.tanh(z + torch.atanh(o / h)) * h - o))((L - 1) * (1 + 1e-3) / 2, (1 - L % 2) * 0.5))(x0.permute(0, 2, 3, 1), torch.tensor([8., 5., 5., 5.]))";

    @Test
    void forwardAndGradientMatchTorch() {
        FiniteScalarQuantizer q = new FiniteScalarQuantizer(8, 5, 5, 5);
        torch.check("fsq").python(FSQ).java(x -> q.quantize(x[0]).quantized()).inputs(Input.randn(2, 4, 3, 5).noGrad()).tol(OpCheck.REDUCTION).run();
        torch.check("fsq.grad").python(FSQ).java(x -> q.quantize(x[0]).quantized()).inputs(Input.uniform(-0.4f, 0.4f, 2, 4, 3, 5)).tol(OpCheck.REDUCTION).run();
    }

    @Test
    void indicesRoundTripAndCoverTheCodebook() {
        FiniteScalarQuantizer q = new FiniteScalarQuantizer(8, 5, 5, 5);
        assertEquals(1000, q.codebookSize());
        Tensor z = Tensor.randn(new Rng(3), 8, 4, 16, 16).mul(2f);
        Quantizer.Output o = QuantTesting.checkContract(q, z, 3);
        assertEquals(0f, o.loss().item());
        for (float v : o.quantized().toFloatArray()) assertTrue(v >= -1f && v <= 1f);
        // every index decodes to a point that quantises back to the same index
        long[] all = new long[1000];
        for (int i = 0; i < 1000; i++) all[i] = i;
        Tensor codes = q.decode(Tensor.ofLongs(all, 1, 1000, 1).reshape(1, 10, 100)); // any [N, H, W]
        Tensor pre = codes.mul(Tensor.of(new float[] {4, 2, 2, 2}, 1, 4, 1, 1)); // back to integer levels
        // invert bound: z = atanh((v + o) / h) − s, so quantize(z) reproduces the level
        float[] h = {3.5035f, 2.002f, 2.002f, 2.002f}, off = {0.5f, 0, 0, 0};
        float[] p = pre.toFloatArray();
        for (int c = 0; c < 4; c++)
            for (int i = 0; i < 1000; i++) {
                double u = (p[c * 1000 + i] + off[c]) / h[c];
                double s = 0.5 * Math.log((1 + off[c] / h[c]) / (1 - off[c] / h[c]));
                p[c * 1000 + i] = (float) (0.5 * Math.log((1 + u) / (1 - u)) - s);
            }
        assertArrayEquals(all, q.quantize(Tensor.of(p, 1, 4, 10, 100)).indices().toLongArray());
        assertEquals(1000, java.util.Arrays.stream(o.indices().toLongArray()).distinct().count() + 0, 400, "a wide input reaches most codes");
    }

    @Test
    void gradientIsTheBoundDerivative() {
        FiniteScalarQuantizer q = new FiniteScalarQuantizer(7, 6);
        Tensor z = QuantTesting.latents(5, 1, 2, 3, 3);
        q.quantize(z).quantized().sum().backward();
        float[] zf = z.toFloatArray(), g = z.grad().toFloatArray();
        double[] h = {3 * 1.001, 2.5 * 1.001}, o = {0, 0.5}, hw = {3, 3};
        for (int c = 0; c < 2; c++)
            for (int i = 0; i < 9; i++) {
                double s = 0.5 * Math.log((1 + o[c] / h[c]) / (1 - o[c] / h[c]));
                double t = Math.tanh(zf[c * 9 + i] + s);
                assertEquals((1 - t * t) * h[c] / hw[c], g[c * 9 + i], 1e-5);
            }
    }
}
