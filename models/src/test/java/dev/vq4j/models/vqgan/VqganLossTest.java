package dev.vq4j.models.vqgan;

import dev.vq4j.autograd.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Loss plumbing that needs no oracle: disc_start, the adaptive weight, LPIPS-less training, config checks. */
class VqganLossTest {
    static VqganLoss smallLoss(long discStart) {
        return new VqganLoss(new VqganLoss.Options(discStart, 1f, 2, 3, 8, 1f, 0.8f, 1f, false, VqganLoss.DiscLoss.HINGE));
    }

    @Test
    void discriminatorSwitchesOnAtDiscStart() {
        VqganLoss loss = smallLoss(100);
        assertEquals(0f, loss.discFactor(99));
        assertEquals(1f, loss.discFactor(100));
    }

    @Test
    void withoutLpipsWeightsThePerceptualTermIsDropped() {
        VqganLoss loss = smallLoss(0);
        assertEquals(0f, loss.effectivePerceptualWeight());
        Tensor x = Tensor.full(0.5f, 1, 3, 16, 16), y = Tensor.zeros(1, 3, 16, 16);
        VqganLoss.GeneratorLoss g = loss.generatorLoss(Tensor.scalar(0.25f), x, y, 0, null);
        assertEquals(null, g.perceptual());
        assertEquals(0.5f, g.nll().item(), 1e-6);
        assertEquals(0.75f, g.loss().item(), 1e-6); // nll + codebook; no adaptive weight without a last layer
    }

    @Test
    void adaptiveWeightIsTheGradientNormRatio() {
        VqganLoss loss = smallLoss(0);
        Tensor w = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2).requiresGrad(true);
        Tensor a = Tensor.of(new float[] {3, 0, 0, 4}, 2, 2), b = Tensor.of(new float[] {0, 1, 0, 0}, 2, 2);
        float weight = loss.adaptiveWeight(w.mul(a).sum(), w.mul(b).sum(), w);
        assertEquals(5.0 / (1.0 + 1e-4) * 0.8, weight, 1e-5);
        assertEquals(1e4f * 0.8f, loss.adaptiveWeight(w.mul(a).sum(), w.mul(Tensor.zeros(2, 2)).sum(), w), 1e-2f); // clamped
    }

    @Test
    void hingeLossIsZeroForConfidentLogits() {
        assertEquals(0f, VqganLoss.hingeDLoss(Tensor.full(2f, 1, 1, 2, 2), Tensor.full(-3f, 1, 1, 2, 2)).item());
        assertEquals(1f, VqganLoss.hingeDLoss(Tensor.zeros(1, 1, 2, 2), Tensor.zeros(1, 1, 2, 2)).item());
    }

    @Test
    void configRejectsKlSettingsAndOddSizes() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new VqganConfig(32, new int[] {1, 2}, 1, new int[] {}, 16, 16, 64, 16, 3, 3, 0f, true));
        assertTrue(e.getMessage().contains("double_z"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new VqganConfig(32, new int[] {1, 2, 2}, 1, new int[] {}, 16, 16, 64, 18, 3, 3, 0f, false));
        assertTrue(e.getMessage().contains("resolution 18"), e.getMessage());
    }

    @Test
    void discriminatorPatchShape() {
        NLayerDiscriminator d = new NLayerDiscriminator(3, 8, 3, true, new dev.vq4j.core.Rng(1));
        Tensor out = d.forward(Tensor.randn(new dev.vq4j.core.Rng(2), 2, 3, 32, 32));
        assertEquals("[2, 1, 2, 2]", out.shapeString());
    }
}
