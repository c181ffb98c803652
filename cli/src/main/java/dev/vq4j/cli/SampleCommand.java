package dev.vq4j.cli;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.models.prior.CodePrior;
import dev.vq4j.models.prior.Priors;
import dev.vq4j.models.prior.SampleOptions;
import dev.vq4j.models.viz.Plots;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code vq4j sample}: new images from a prior over codes (GPT or MaskGIT), decoded by its tokenizer into
 * a PNG grid (a row per class for a class-conditional prior), and optionally the code grids as .npy.
 */
final class SampleCommand implements Command {
    private static final int ROW = 8;

    @Override
    public String name() {
        return "sample";
    }

    @Override
    public String summary() {
        return "generate new images from a prior (gpt, maskgit, or taming's transformer): a PNG grid and the codes";
    }

    @Override
    public List<Options.Spec> options() {
        List<Options.Spec> s = new ArrayList<>(PriorOptions.specs("16"));
        s.add(Options.Spec.value("out", "samples.png", "the PNG grid of decoded samples"));
        s.add(Options.Spec.value("codes-out", null, "also write the sampled code grids as an int64 .npy [N, h, w]"));
        return s;
    }

    @Override
    public int run(Options options, PrintStream out) {
        if (!options.positional().isEmpty()) throw new UsageException("takes no arguments, got " + options.positional());
        int count = options.integer("count");
        if (count < 1) throw new UsageException("--count must be >= 1, got " + count);
        String codesOut = options.string("codes-out");
        if (codesOut != null && !codesOut.endsWith(".npy")) throw new UsageException("--codes-out must end in .npy, got " + codesOut);
        Priors.Loaded p = PriorOptions.load(options);
        if (p.tokenizer() == null)
            throw new UsageException("no tokenizer to decode with: the one the prior recorded is gone; pass --tokenizer RUN_OR_CKPT");
        CodePrior prior = p.prior();
        int label = PriorOptions.classIndex(options, p);
        SampleOptions base = PriorOptions.sampleOptions(options, count, label);
        int[] grid = prior.gridShape();
        out.printf(Locale.ROOT, "prior     %s (%s, %dx%d codes over %d, %s)%n", p.source(), prior.modelType(), grid[0], grid[1], prior.codebookSize(),
                prior.numClasses() == 0 ? "unconditional" : prior.numClasses() + " classes");
        // a class-conditional prior without --class: `count` images of every class, a row each
        List<Integer> classes = new ArrayList<>();
        if (prior.numClasses() > 0 && label < 0) for (int c = 0; c < prior.numClasses(); c++) classes.add(c);
        else classes.add(label);
        long tokens = (long) count * classes.size() * grid[0] * grid[1];
        ProgressBar bar = ProgressBar.forStdout(out, (int) Math.min(Integer.MAX_VALUE, tokens));
        long t0 = System.nanoTime();
        List<Tensor> codes = new ArrayList<>();
        long[] before = {0};
        for (int c : classes) {
            long offset = before[0];
            codes.add(prior.sample(base.withClass(c), (done, total) -> bar.update((int) (offset + done), "tokens")));
            before[0] += (long) count * grid[0] * grid[1];
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        List<Tensor> rows = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < classes.size(); i++) {
            Tensor images = p.tokenizer().decodeCodes(codes.get(i));
            String name = classes.get(i) < 0 ? "samples" : p.classNames() != null ? p.classNames().get(classes.get(i)) : "class " + classes.get(i);
            for (int r = 0; r < count; r += ROW) {
                rows.add(images.narrow(0, r, Math.min(ROW, count - r)));
                labels.add(r == 0 ? name : "");
            }
        }
        Path png = Path.of(options.string("out"));
        Plots.imageGrid(png, rows, labels);
        if (codesOut != null) {
            Tensor all = dev.vq4j.autograd.Shaping.cat(codes, 0);
            try {
                Npy.writeInt64(Path.of(codesOut), all.contiguous().toLongArray(), all.shape());
            } catch (IOException e) {
                throw new UsageException("cannot write " + codesOut + ": " + e.getMessage());
            }
        }
        out.printf(Locale.ROOT, "sampled %d images (%,d tokens) in %.1f s: %.0f tokens/s%n", count * classes.size(), tokens, seconds, tokens / Math.max(seconds, 1e-9));
        out.println("wrote " + png + (codesOut != null ? " and " + codesOut : ""));
        return 0;
    }
}
