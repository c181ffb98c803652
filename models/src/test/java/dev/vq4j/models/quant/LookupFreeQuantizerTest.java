package dev.vq4j.models.quant;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.oracle.Input;
import dev.vq4j.autograd.oracle.OpCheck;
import dev.vq4j.autograd.oracle.TorchParityTest;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class LookupFreeQuantizerTest extends TorchParityTest {
    @Test
    void contractIndicesAndStraightThrough() {
        LookupFreeQuantizer q = new LookupFreeQuantizer(5);
        assertEquals(32, q.codebookSize());
        Tensor z = QuantTesting.latents(1, 3, 5, 4, 4);
        Quantizer.Output o = QuantTesting.checkContract(q, z, 3);
        for (float v : o.quantized().toFloatArray()) assertTrue(v == 1f || v == -1f);
        // index bits: first channel most significant
        Tensor one = Tensor.of(new float[] {0.5f, -1f, 2f, -0.1f, 0.3f}, 1, 5, 1, 1);
        assertEquals(0b10101, q.quantize(one).indices().item(), 0f);
        QuantTesting.checkStraightThrough(q, z);
    }

    @Test
    void entropyAndCommitmentLossMatchTorch() {
        LookupFreeQuantizer q = new LookupFreeQuantizer(4).temperature(1f).entropyWeight(0.1f).commitmentWeight(0.25f).diversityGamma(1f);
        String expr = "(lambda zf: (lambda C: (lambda lg: 0.25 * torch.mean((zf - torch.where(zf > 0, 1., -1.)) ** 2) + 0.1 * ("
                + "-(lg.softmax(1) * lg.log_softmax(1)).sum(1).mean() + (lambda a: (a * torch.log(a.clamp(min=1e-5))).sum())(lg.softmax(1).mean(0))))"
                + "(zf @ C.t() * 2.0))(((torch.arange(16)[:, None] >> torch.arange(3, -1, -1)) & 1).float() * 2 - 1))"
                + "(x0.permute(0, 2, 3, 1).reshape(-1, 4))";
        torch.check("lfq.loss").python(expr).java(x -> q.quantize(x[0]).loss()).inputs(Input.randn(2, 4, 3, 5)).tol(OpCheck.REDUCTION).run();
    }

    @Test
    void decodeRejectsOutOfRange() {
        var e = assertThrows(IllegalArgumentException.class, () -> new LookupFreeQuantizer(3).decode(Tensor.ofLongs(new long[] {8}, 1, 1, 1)));
        assertTrue(e.getMessage().contains("index 8 out of range"), e.getMessage());
    }
}
