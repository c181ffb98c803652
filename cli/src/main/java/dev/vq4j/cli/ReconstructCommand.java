package dev.vq4j.cli;

import dev.vq4j.autograd.GradMode;
import dev.vq4j.autograd.Tensor;
import dev.vq4j.models.data.ImageDataset;
import dev.vq4j.models.viz.Plots;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code vq4j reconstruct}: a PNG grid of images (top row) and their reconstructions (bottom row). */
final class ReconstructCommand implements Command {
    @Override
    public String name() {
        return "reconstruct";
    }

    @Override
    public String summary() {
        return "write a PNG grid: original images above their reconstructions";
    }

    @Override
    public List<Options.Spec> options() {
        List<Options.Spec> s = new ArrayList<>(Loaded.checkpointOption());
        s.add(VqganInference.configOption());
        s.addAll(Loaded.dataOptions("8"));
        s.add(Options.Spec.value("out", "reconstructions.png", "output PNG"));
        return s;
    }

    @Override
    public int run(Options options, PrintStream out) {
        if (options.string("config") != null) return VqganInference.reconstruct(options, out);
        if (!options.positional().isEmpty()) throw new UsageException("takes no arguments, got " + options.positional());
        Path png = Path.of(options.string("out"));
        if (!png.getFileName().toString().endsWith(".png")) throw new UsageException("--out must end in .png, got " + png);
        Loaded loaded = Loaded.from(options);
        ImageDataset data = loaded.images(options);
        Tensor images = data.batch(Loaded.range(0, data.size())), recon;
        loaded.model().eval();
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            recon = loaded.model().forward(images).clamp(0f, 1f);
        }
        Plots.imageGrid(png, List.of(images, recon), List.of("original", "reconstruction"));
        out.printf("wrote %s: %d originals above their reconstructions%n", png, data.size());
        return 0;
    }
}
