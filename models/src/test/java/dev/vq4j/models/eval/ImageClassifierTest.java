package dev.vq4j.models.eval;

import dev.vq4j.models.data.ProceduralImages;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class ImageClassifierTest {
    /** The judge of the demo's samples must itself recognise the built-in images' main shape well above chance (1/4). */
    @Test
    void learnsTheMainShapeOfBuiltInImages() {
        ProceduralImages train = new ProceduralImages(1, 2048, 32), heldOut = new ProceduralImages(99, 256, 32);
        int steps = Integer.getInteger("vq4j.classifierSteps", 300);
        ImageClassifier c = ImageClassifier.train(train, steps, 32, 7, s -> {});
        double acc = c.accuracy(heldOut, 64);
        System.out.printf("classifier: %d steps, held-out accuracy %.3f%n", steps, acc);
        assertTrue(acc > 0.8, "held-out accuracy " + acc);
    }
}
