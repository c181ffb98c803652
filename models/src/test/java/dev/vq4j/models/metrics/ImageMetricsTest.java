package dev.vq4j.models.metrics;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.oracle.Input;
import dev.vq4j.autograd.oracle.OpCheck;
import dev.vq4j.autograd.oracle.TorchParityTest;
import dev.vq4j.core.Rng;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class ImageMetricsTest extends TorchParityTest {
    @Test
    void psnrOfAKnownMse() {
        Tensor x = Tensor.zeros(2, 3, 4, 5);
        float[] v = new float[120];
        for (int i = 0; i < 60; i++) v[i] = 0.1f;   // image 0: MSE 0.01 -> 20 dB
        for (int i = 60; i < 120; i++) v[i] = (i % 2 == 0) ? 0.01f : -0.01f; // image 1: MSE 1e-4 -> 40 dB
        double[] p = Psnr.perImage(x, Tensor.of(v, 2, 3, 4, 5));
        assertEquals(20.0, p[0], 1e-5);
        assertEquals(40.0, p[1], 1e-4);
        assertEquals(Double.POSITIVE_INFINITY, Psnr.perImage(x, x)[0]);
        var e = assertThrows(IllegalArgumentException.class, () -> Psnr.mean(x, Tensor.zeros(2, 3, 4, 4)));
        assertTrue(e.getMessage().contains("[2, 3, 4, 5] and [2, 3, 4, 4]"), e.getMessage());
    }

    @Test
    void ssimOfIdenticalAndConstantImages() {
        Tensor x = Tensor.rand(new Rng(1), 2, 3, 16, 12);
        for (float s : Ssim.perImage(x, x).toFloatArray()) assertEquals(1f, s, 1e-6f);
        // constant images a and b: σ = 0, so SSIM = (2ab + C1) / (a² + b² + C1)
        double a = 0.3, b = 0.6, c1 = 1e-4;
        assertEquals((2 * a * b + c1) / (a * a + b * b + c1), Ssim.mean(Tensor.full((float) a, 1, 1, 11, 11), Tensor.full((float) b, 1, 1, 11, 11)), 1e-4); // float convolutions
        assertThrows(IllegalArgumentException.class, () -> Ssim.mean(Tensor.zeros(1, 1, 8, 8), Tensor.zeros(1, 1, 8, 8)));
    }

    @Test
    void ssimMatchesTheReferenceFormulaInTorch() {
        // pytorch-msssim's ssim (valid 11x11 Gaussian, sigma 1.5, K1 0.01, K2 0.03, data range 1), per image.
        // The second image is the first plus noise (SSIM about 0.8): two independent noise images have SSIM near 0,
        // a value that float32 cancellation alone moves by more than a relative tolerance allows. The gradients go
        // through σ² = E[x²] − E[x]², which cancels in float32 on both sides (summed in different orders): up to 8e-4
        // seen over seeds, so they get 5e-3.
        String expr = "(lambda x, y: (lambda f: (lambda mx, my: (((2 * mx * my + 1e-4) * (2 * (f(x * y) - mx * my) + 9e-4)) / "
                + "((mx ** 2 + my ** 2 + 1e-4) * (f(x * x) - mx ** 2 + f(y * y) - my ** 2 + 9e-4))).flatten(1).mean(1))(f(x), f(y)))"
                + "((lambda g: (lambda t: F.conv2d(t, g, groups=x.shape[1])))((lambda e: (e[:, None] * e[None, :]).expand(x.shape[1], 1, 11, 11))"
                + "((lambda e: e / e.sum())(torch.exp(-(torch.arange(11.) - 5) ** 2 / (2 * 1.5 ** 2)))))))(x0, x0 + x1)";
        torch.check("ssim").python(expr).java(x -> Ssim.perImage(x[0], x[0].add(x[1])))
                .inputs(Input.uniform(0f, 1f, 2, 3, 16, 13), Input.uniform(-0.1f, 0.1f, 2, 3, 16, 13)).tol(OpCheck.REDUCTION).gradTol(5e-3).run();
    }
}
