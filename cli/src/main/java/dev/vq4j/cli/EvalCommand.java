package dev.vq4j.cli;

import dev.vq4j.models.data.ImageDataset;
import dev.vq4j.models.metrics.Ssim;
import dev.vq4j.models.train.Evaluation;
import dev.vq4j.models.vqvae.JsonWriter;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code vq4j eval}: PSNR, SSIM, codebook usage and perplexity of any tokenizer on a set of images. */
final class EvalCommand implements Command {
    @Override
    public String name() {
        return "eval";
    }

    @Override
    public String summary() {
        return "measure PSNR, SSIM, codebook usage and perplexity on held-out images";
    }

    @Override
    public List<Options.Spec> options() {
        List<Options.Spec> s = new ArrayList<>(Loaded.checkpointOptions());
        s.addAll(Loaded.dataOptions("256"));
        s.add(Options.Spec.value("batch", "32", "images per forward pass"));
        s.add(Options.Spec.value("json", null, "also write the numbers to this JSON file"));
        return s;
    }

    @Override
    public int run(Options options, PrintStream out) {
        int batch = options.integer("batch");
        if (batch < 1) throw new UsageException("--batch must be >= 1, got " + batch);
        Loaded loaded = Loaded.from(options);
        ImageDataset data = loaded.images(options, options.positional());
        Evaluation.Result r = Evaluation.evaluate(loaded.model(), data, batch, true);
        int k = loaded.model().codebookSize();
        out.println("model       " + loaded.model().modelType() + " from " + loaded.source());
        out.println("data        " + data.describe());
        out.printf(Locale.ROOT, "PSNR        %.2f dB%n", r.psnr());
        if (Double.isNaN(r.ssim())) out.printf(Locale.ROOT, "SSIM        n/a (images smaller than its %dx%d window)%n", Ssim.WINDOW, Ssim.WINDOW);
        else out.printf(Locale.ROOT, "SSIM        %.4f%n", r.ssim());
        out.printf(Locale.ROOT, "usage       %.1f%% (%d of %d codes)%n", 100 * r.usage(), Math.round(r.usage() * k), k);
        out.printf(Locale.ROOT, "perplexity  %.1f%n", r.perplexity());
        if (options.string("json") != null) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("checkpoint", loaded.source().toAbsolutePath().toString());
            m.put("model_type", loaded.model().modelType());
            m.put("images", r.images());
            m.put("psnr", r.psnr());
            m.put("ssim", Double.isNaN(r.ssim()) ? null : r.ssim());
            m.put("mse", r.mse());
            m.put("usage", r.usage());
            m.put("perplexity", r.perplexity());
            m.put("codebook_size", k);
            try {
                Files.writeString(Path.of(options.string("json")), JsonWriter.pretty(m));
            } catch (IOException e) {
                throw new UsageException("cannot write --json " + options.string("json") + ": " + e.getMessage());
            }
        }
        return 0;
    }
}
