package dev.vq4j.autograd.oracle;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base class of the tests that compare with PyTorch: one oracle process per test class, started
 * before the first test and stopped after the last (skipped, or failed under CI, without torch).
 */
public abstract class TorchParityTest {
    protected static TorchOracle torch;

    @BeforeAll
    static void startTorchOracle() {
        torch = TorchOracle.start();
    }

    @AfterAll
    static void stopTorchOracle() {
        TorchOracle.stop(torch);
        torch = null;
    }
}
