package dev.vq4j.cli;

import dev.vq4j.models.prior.CodeDataset;
import dev.vq4j.models.prior.Priors;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code vq4j train --model gpt|maskgit}: training defaults for a prior, its config sections from the codes file, and the held-out split. */
final class PriorDefaults {
    static final double LR = 5e-4, MIN_LR = 1e-5;
    static final int BATCH = 32, EVAL_GRIDS = 128;

    private PriorDefaults() {}

    /** Training defaults that differ from a tokenizer's (a --config file or flags override them). */
    static void putInto(Map<String, Object> train) {
        train.putIfAbsent("lr", LR);
        train.putIfAbsent("min_lr", MIN_LR);
        train.putIfAbsent("batch_size", (long) BATCH);
        train.putIfAbsent("eval_images", (long) EVAL_GRIDS);
    }

    /** The {@code model} and {@code data} sections for training a prior on the codes in {@code codesFile}. */
    static Map<String, Object> sections(String modelType, Map<String, Object> model, Path codesFile, boolean conditional) {
        return sections(modelType, model, codesFile, read(codesFile), conditional);
    }

    /** The same for codes already in memory (the demo's), read from {@code codesFile}. */
    static Map<String, Object> sections(String modelType, Map<String, Object> model, Path codesFile, CodeDataset codes, boolean conditional) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("model", Priors.modelSection(modelType, model, codes, conditional && codes.numClasses() > 0));
        s.put("data", Priors.dataSection(codesFile, codes, conditional && codes.numClasses() > 0));
        return s;
    }

    /** {training grids, held-out grids (null when eval_images is 0)}: the last eval_images grids of the codes file are held out. */
    @SuppressWarnings("unchecked")
    static CodeDataset[] split(Map<String, Object> sections, dev.vq4j.models.train.TrainConfig train) {
        Map<String, Object> data = (Map<String, Object>) sections.get("data");
        if (data == null || !(data.get("codes") instanceof String path)) throw new UsageException("the prior's config has no data.codes file");
        CodeDataset codes = read(Path.of(path));
        int held = train.evalImages();
        if (held >= codes.size())
            throw new UsageException("--eval-images " + held + " would hold out all " + codes.size() + " grids of " + path + " (lower it, or tokenize more images)");
        return new CodeDataset[] {codes.slice(0, codes.size() - held), held == 0 ? null : codes.slice(codes.size() - held, held)};
    }

    private static CodeDataset read(Path file) {
        try {
            return CodeDataset.read(file);
        } catch (NoSuchFileException e) {
            throw new UsageException("--codes " + file + " does not exist (make it with vq4j tokenize)");
        } catch (IOException | IllegalArgumentException e) {
            throw new UsageException("cannot read --codes " + file + ": " + e.getMessage());
        }
    }
}
