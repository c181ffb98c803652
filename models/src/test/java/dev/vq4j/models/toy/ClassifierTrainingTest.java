package dev.vq4j.models.toy;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The engine end to end: a small conv net must learn the shape images. */
class ClassifierTrainingTest {
    @Test
    void lossFallsByAFactorOfFourAndHeldOutAccuracyBeatsChanceByFar() {
        ClassifierTraining.Result r = ClassifierTraining.train(1, 150, 32, 16, null);
        // chance: loss ln 3 = 1.10, accuracy 1/3
        assertTrue(r.firstLoss() > 0.9f, "first loss " + r.firstLoss());
        assertTrue(r.lastLoss() < r.firstLoss() / 4, "loss fell from " + r.firstLoss() + " to only " + r.lastLoss());
        assertTrue(r.heldOutAccuracy() > 0.9f, "held-out accuracy " + r.heldOutAccuracy());
    }

    @Test
    void sameSeedTrainsToBitIdenticalLosses() {
        float[] a = ClassifierTraining.train(3, 5, 8, 16, null).losses();
        float[] b = ClassifierTraining.train(3, 5, 8, 16, null).losses();
        assertArrayEquals(a, b);
    }
}
