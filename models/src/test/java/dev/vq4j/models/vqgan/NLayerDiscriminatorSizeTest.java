package dev.vq4j.models.vqgan;

import dev.vq4j.autograd.GradMode;
import dev.vq4j.autograd.Tensor;
import dev.vq4j.core.Rng;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The size check agrees with the real discriminator: the logit map it predicts, or a refusal exactly where the forward fails. */
class NLayerDiscriminatorSizeTest {
    @Test
    void predictedSidesMatchTheForwardAndTheRefusalSaysWhatToChange() {
        for (int layers = 1; layers <= 3; layers++) {
            NLayerDiscriminator d = new NLayerDiscriminator(3, 8, layers, false, new Rng(1));
            d.eval();
            for (int side = 2; side <= 26; side++) {
                int predicted = NLayerDiscriminator.outputSide(side, layers);
                Tensor x = Tensor.zeros(1, 3, side, side);
                if (predicted > 0) {
                    try (GradMode.Scope ignored = GradMode.noGrad()) {
                        assertEquals(predicted, d.forward(x).size(3), "side " + side + ", " + layers + " layers");
                    }
                } else {
                    assertThrows(RuntimeException.class, () -> d.forward(x), "side " + side + ", " + layers + " layers should not run");
                }
            }
        }
        var e = assertThrows(IllegalArgumentException.class, () -> NLayerDiscriminator.checkImageSize(16, 16, 3));
        assertTrue(e.getMessage().contains("at least 24x24") && e.getMessage().contains("--disc-layers 2"), e.getMessage());
        NLayerDiscriminator.checkImageSize(32, 32, 3);
    }
}
