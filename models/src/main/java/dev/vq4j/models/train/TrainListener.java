package dev.vq4j.models.train;

import java.nio.file.Path;

/** Progress callbacks from a {@link Trainer}; every method does nothing by default. */
public interface TrainListener {
    /** After every step (cheap: the stats are computed anyway); logged steps go to the log file as well. */
    default void onStep(StepStats stats) {}

    default void onEval(int step, EvalReport result) {}

    default void onCheckpoint(int step, Path directory) {}
}
