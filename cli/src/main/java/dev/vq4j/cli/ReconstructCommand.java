package dev.vq4j.cli;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.models.ImageTokenizer;
import dev.vq4j.models.data.ImageDataset;
import dev.vq4j.models.data.Images;
import dev.vq4j.models.viz.Plots;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code vq4j reconstruct}: images through a tokenizer and back. {@code reconstruct IN.png OUT.png}
 * writes one image's reconstruction; several inputs, or {@code --data}, give a PNG grid of
 * originals above their reconstructions.
 */
final class ReconstructCommand implements Command {
    @Override
    public String name() {
        return "reconstruct";
    }

    @Override
    public String summary() {
        return "reconstruct images: IN.png OUT.png, or a PNG grid of originals above reconstructions";
    }

    @Override
    public List<Options.Spec> options() {
        List<Options.Spec> s = new ArrayList<>(Loaded.checkpointOptions());
        s.addAll(Loaded.dataOptions("8"));
        s.add(Options.Spec.value("out", null, "output PNG (default: the last argument after input files, else reconstructions.png)"));
        return s;
    }

    @Override
    public int run(Options options, PrintStream out) {
        List<String> inputs = new ArrayList<>(options.positional());
        String outName = options.string("out");
        if (outName == null && inputs.size() == 1) throw new UsageException("give the output too: reconstruct IN.png OUT.png (or --out OUT.png)");
        if (outName == null) outName = inputs.size() >= 2 ? inputs.removeLast() : "reconstructions.png";
        Path png = Path.of(outName);
        if (!png.getFileName().toString().endsWith(".png"))
            throw new UsageException((options.string("out") != null ? "--out" : "the output") + " must end in .png, got " + png);
        Loaded loaded = Loaded.from(options);
        ImageDataset data = loaded.images(options, inputs);
        Tensor images = data.batch(Loaded.range(0, data.size()));
        ImageTokenizer.Reconstruction r = loaded.model().reconstructImages(images);
        if (inputs.size() == 1) Images.writePng(png, r.images().select(0, 0));
        else Plots.imageGrid(png, List.of(images, r.images()), List.of("original", "reconstruction"));
        out.printf("wrote %s: %s of %d image(s) of %dx%d px (codes %s each)%n", png, inputs.size() == 1 ? "the reconstruction" : "originals above reconstructions",
                data.size(), data.width(), data.height(), Arrays.toString(loaded.model().codeGridShape(data.height(), data.width())));
        return 0;
    }
}
