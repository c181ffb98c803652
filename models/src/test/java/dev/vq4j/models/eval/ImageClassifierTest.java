package dev.vq4j.models.eval;

import dev.vq4j.models.data.ProceduralImages;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class ImageClassifierTest {
    /**
     * The judge of the demo's samples must learn the built-in images' shape kind: well above chance (1/4)
     * after 300 steps (49.6% after 400 steps in the demo; it is a weak judge, and the demo says so).
     */
    @Test
    void learnsTheShapeKindOfBuiltInImagesAboveChance() {
        ProceduralImages train = new ProceduralImages(1, 2048, 32), heldOut = new ProceduralImages(99, 256, 32);
        int steps = Integer.getInteger("vq4j.classifierSteps", 300);
        ImageClassifier c = ImageClassifier.train(train, steps, 32, 7, s -> {});
        double acc = c.accuracy(heldOut, 64);
        System.out.printf("classifier: %d steps, held-out accuracy %.3f%n", steps, acc);
        assertTrue(acc > 0.35, "held-out accuracy " + acc);
    }
}
