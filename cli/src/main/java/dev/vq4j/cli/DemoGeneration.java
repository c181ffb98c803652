package dev.vq4j.cli;

import dev.vq4j.autograd.Shaping;
import dev.vq4j.autograd.Tensor;
import dev.vq4j.models.ImageTokenizer;
import dev.vq4j.models.data.DataSources;
import dev.vq4j.models.data.ImageDataset;
import dev.vq4j.models.eval.ImageClassifier;
import dev.vq4j.models.prior.CodeDataset;
import dev.vq4j.models.prior.CodePrior;
import dev.vq4j.models.prior.PriorEvaluation;
import dev.vq4j.models.prior.PriorTask;
import dev.vq4j.models.prior.Priors;
import dev.vq4j.models.prior.SampleOptions;
import dev.vq4j.models.prior.Tokenization;
import dev.vq4j.models.train.Checkpoints;
import dev.vq4j.models.train.TrainConfig;
import dev.vq4j.models.viz.Plots;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Steps 2–4 of {@code vq4j demo}: tokenise the training images, train a class-conditional prior, sample a row per class (and judge them). */
final class DemoGeneration {
    /** The demo prior: 3 blocks × 4 heads × 96 wide, trained at batch 32 with a peak learning rate of 2e-3. */
    static final int LAYERS = 3, HEADS = 4, WIDTH = 96, BATCH = 32, HELD_OUT = 64, PER_CLASS = 8;
    /** Samples per class the judge scores (more than the picture shows, so the score is not 8 coin flips). */
    static final int JUDGED_PER_CLASS = 64;
    static final double LR = 2e-3, CFG = 2.0;

    private DemoGeneration() {}

    static List<String> run(Path runDir, ImageTokenizer tokenizer, TrainConfig tokenizerTrain, String priorType, int steps, int judgeSteps,
                            PrintStream out) {
        List<String> wrote = new ArrayList<>();
        // 2. every training image and its mirror through the tokenizer, with its shape label
        ImageDataset images = TrainingRun.trainData(tokenizerTrain);
        Tokenization.Options o = new Tokenization.Options(true, 1, 64);
        out.printf(Locale.ROOT, "%n2. tokenizing the %d training images and their mirrors%n", images.size());
        ProgressBar bar = ProgressBar.forStdout(out, (int) Tokenization.imageCount(images, o));
        CodeDataset codes = Tokenization.run(tokenizer, images, o, runDir.toAbsolutePath().toString(), n -> bar.update((int) n, "images"));
        Path codesFile = runDir.resolve("codes.safetensors");
        try {
            codes.write(codesFile);
        } catch (IOException e) {
            throw new UsageException("cannot write " + codesFile + ": " + e.getMessage());
        }
        wrote.add(codesFile + "   (" + codes.size() + " code grids with labels)");

        // 3. a class-conditional prior on the codes, with label dropout for guidance
        Map<String, Object> given = new LinkedHashMap<>();
        given.put("n_layer", (long) LAYERS);
        given.put("n_head", (long) HEADS);
        given.put("n_embd", (long) WIDTH);
        Map<String, Object> sections = PriorDefaults.sections(priorType, given, codesFile, codes, true);
        TrainConfig train = new TrainConfig("codes:" + codesFile.toAbsolutePath(), tokenizerTrain.imageSize(), tokenizerTrain.trainImages(), HELD_OUT,
                steps, BATCH, "adamw", LR, 1e-5, Math.max(1, Math.min(30, steps / 10)), 0, 1.0, tokenizerTrain.seed(), 10, 0, 0, 1);
        CodePrior prior = Priors.create(priorType, castMap(sections.get("model")), train.seed());
        PriorTask task = new PriorTask(prior, sections, train, tokenizer, codes.classNames());
        Path priorDir = runDir.resolve("prior");
        try {
            Files.createDirectories(priorDir);
            Files.writeString(priorDir.resolve(Checkpoints.CONFIG), Checkpoints.configJson(priorType, sections, train));
        } catch (IOException e) {
            throw new UsageException("cannot write to " + priorDir + ": " + e.getMessage());
        }
        out.printf(Locale.ROOT, "%n3. training a class-conditional %s prior over the %dx%d code grids: %d steps of %d grids%n", priorType,
                codes.height(), codes.width(), steps, BATCH);
        TrainingRun.Outcome t = TrainingRun.run(task, train, codes.slice(0, codes.size() - HELD_OUT), codes.slice(codes.size() - HELD_OUT, HELD_OUT),
                priorDir, null, out);
        PriorEvaluation.Result e = (PriorEvaluation.Result) t.result().lastEval();
        out.printf(Locale.ROOT, "held-out  %s (a uniform guess: %.2f bits)%n", e.summary(), Math.log(codes.codebookSize()) / Math.log(2));
        wrote.add(t.result().lastCheckpoint() + "   (vq4j sample --prior " + priorDir + ")");

        // 4. a row of new images per class
        prior.module().eval();
        SampleOptions options = SampleOptions.DEFAULTS.withCount(PER_CLASS).withBatchSize(PER_CLASS).withCfg((float) CFG).withSeed(train.seed());
        List<Tensor> rows = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int c = 0; c < codes.numClasses(); c++) rows.add(tokenizer.decodeCodes(prior.sample(options.withClass(c), (done, total) -> {})));
        double seconds = (System.nanoTime() - t0) / 1e9;
        Path samples = runDir.resolve("samples.png");
        Plots.imageGrid(samples, rows, codes.classNames());
        out.printf(Locale.ROOT, "%n4. sampled %d new images per class (guidance scale %.1f) in %.1f s%n", PER_CLASS, CFG, seconds);
        wrote.add(samples + "   (a row of new images per class)");

        if (judgeSteps > 0) {
            out.printf(Locale.ROOT, "%njudging: a classifier trained on real images for %d steps%n", judgeSteps);
            ProgressBar jb = ProgressBar.forStdout(out, judgeSteps);
            ImageClassifier judge = ImageClassifier.train(images, judgeSteps, 32, tokenizerTrain.seed(), s -> jb.update(s, "steps"));
            double real = judge.accuracy(DataSources.heldOut(tokenizerTrain), 64);
            SampleOptions judged = options.withCount(JUDGED_PER_CLASS).withBatchSize(JUDGED_PER_CLASS).withSeed(train.seed() + 1);
            List<Tensor> judgedImages = new ArrayList<>();
            long[] labels = new long[codes.numClasses() * JUDGED_PER_CLASS];
            for (int c = 0; c < codes.numClasses(); c++) {
                judgedImages.add(tokenizer.decodeCodes(prior.sample(judged.withClass(c), (done, total) -> {})));
                java.util.Arrays.fill(labels, c * JUDGED_PER_CLASS, (c + 1) * JUDGED_PER_CLASS, c);
            }
            double agree = judge.agreement(Shaping.cat(judgedImages, 0), labels);
            out.printf(Locale.ROOT, "classifier: %.1f%% right on held-out real images; assigns %.1f%% of %d new samples to the class they were asked for%n",
                    100 * real, 100 * agree, labels.length);
        }
        return wrote;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object o) {
        return (Map<String, Object>) o;
    }
}
