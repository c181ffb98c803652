package dev.vq4j.cli;

import dev.vq4j.models.prior.Priors;
import dev.vq4j.models.prior.SampleOptions;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/** The options {@code vq4j sample} and {@code vq4j vary} share: which prior and tokenizer, and how to draw. */
final class PriorOptions {
    private PriorOptions() {}

    static List<Options.Spec> specs(String defaultCount) {
        return List.of(
                Options.Spec.value("prior", null, "the prior: a vq4j gpt/maskgit run or checkpoint directory, or a taming transformer .ckpt (with --config)"),
                Options.Spec.value("config", null, "taming: the transformer's yaml (configs/*-project.yaml); the tokenizer comes from the same .ckpt"),
                Options.Spec.value("tokenizer", null, "decode with this tokenizer (default: the one the prior's codes came from)"),
                Options.Spec.value("count", defaultCount, "how many images"),
                Options.Spec.value("class", null, "class-conditional priors: the class (name or index; default: every class in turn)"),
                Options.Spec.value("temperature", "1.0", "divide the logits by this (> 0; lower: safer, less varied)"),
                Options.Spec.value("top-k", "0", "draw from the K most likely codes only (0: all)"),
                Options.Spec.value("top-p", "1.0", "nucleus: draw from the most likely codes that make up this probability (1: all)"),
                Options.Spec.flag("greedy", "always take the most likely code (no randomness)"),
                Options.Spec.value("cfg", "1.0", "classifier-free guidance scale (1: none; 2-4 sharpens the class, priors trained with --p-uncond > 0)"),
                Options.Spec.value("steps", "8", "maskgit: parallel decoding steps"),
                Options.Spec.value("schedule", "cosine", "maskgit: mask schedule, cosine, linear or square"),
                Options.Spec.value("seed", "0", "random seed: the same seed gives the same images"),
                Options.Spec.value("batch", "16", "images decoded together"));
    }

    static Priors.Loaded load(Options options) {
        if (options.string("prior") == null) throw new UsageException("--prior is required (a gpt or maskgit run, or a taming transformer .ckpt with --config)");
        try {
            return Priors.load(Path.of(options.string("prior")), options.string("config") == null ? null : Path.of(options.string("config")),
                    options.string("tokenizer") == null ? null : Path.of(options.string("tokenizer")));
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** The class index --class names (a name or an index), or -1 when not given. */
    static int classIndex(Options options, Priors.Loaded p) {
        String c = options.string("class");
        if (c == null) return -1;
        int n = p.prior().numClasses();
        if (n == 0) throw new UsageException("--class: this prior is unconditional");
        if (p.classNames() != null && p.classNames().contains(c)) return p.classNames().indexOf(c);
        try {
            int i = Integer.parseInt(c);
            if (i >= 0 && i < n) return i;
        } catch (NumberFormatException ignored) {
            // not an index: fall through to the error
        }
        throw new UsageException("--class " + c + " is not one of the prior's " + n + " classes" + (p.classNames() == null ? " (0.." + (n - 1) + ")" : " " + p.classNames()));
    }

    static SampleOptions sampleOptions(Options options, int count, int classLabel) {
        try {
            return new SampleOptions(count, classLabel, (float) options.number("temperature"), options.integer("top-k"), (float) options.number("top-p"),
                    options.flag("greedy"), (float) options.number("cfg"), options.integer("steps"), options.string("schedule"), SampleOptions.DEFAULTS.choiceTemperature(),
                    options.integer("seed"), options.integer("batch"));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage().replace("sample: ", ""));
        }
    }
}
