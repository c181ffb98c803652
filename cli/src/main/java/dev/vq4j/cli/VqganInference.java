package dev.vq4j.cli;

import dev.vq4j.autograd.GradMode;
import dev.vq4j.autograd.Tensor;
import dev.vq4j.core.DType;
import dev.vq4j.models.data.Images;
import dev.vq4j.models.vqgan.VqganCheckpoint;
import dev.vq4j.models.vqgan.VqganModel;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * reconstruct / encode / decode on a VQGAN loaded from taming's {@code model.yaml} ({@code --config})
 * and a {@code .ckpt}/{@code .pt}/{@code .safetensors} file ({@code --checkpoint}). Images are read
 * as RGB in [0, 1] and fed to the model in [−1, 1], as taming does.
 */
final class VqganInference {
    private VqganInference() {}

    static Options.Spec configOption() {
        return Options.Spec.value("config", null, "taming model.yaml: with it, --checkpoint is a VQGAN .ckpt/.pt/.safetensors file");
    }

    static VqganModel load(Options options) {
        String checkpoint = options.string("checkpoint");
        if (checkpoint == null) throw new UsageException("--checkpoint FILE (.ckpt, .pt or .safetensors) is required with --config");
        try {
            VqganModel m = VqganCheckpoint.load(Path.of(options.string("config")), Path.of(checkpoint)).model();
            m.eval();
            return m;
        } catch (java.nio.file.NoSuchFileException e) {
            throw new UsageException("no such file: " + e.getFile());
        } catch (IOException e) {
            throw new UsageException("cannot read " + checkpoint + ": " + e.getMessage());
        }
    }

    /** Reads PNG/JPEG files into one batch [N, 3, H, W] in [−1, 1]; all the same size, a multiple of the downsampling factor. */
    static Tensor readImages(List<String> files, VqganModel m) {
        List<Tensor> images = new ArrayList<>();
        for (String f : files) {
            Tensor img = Images.read(Path.of(f), m.config().inChannels());
            int fct = m.config().downsamplingFactor();
            if (img.size(1) % fct != 0 || img.size(2) % fct != 0)
                throw new UsageException(f + " is " + img.size(2) + "x" + img.size(1) + " px; VQGAN needs sides divisible by " + fct);
            if (!images.isEmpty() && !Arrays.equals(images.getFirst().shape(), img.shape()))
                throw new UsageException(f + " is " + img.size(2) + "x" + img.size(1) + " px, " + files.getFirst() + " is "
                        + images.getFirst().size(2) + "x" + images.getFirst().size(1) + "; give images of one size");
            images.add(img.unsqueeze(0));
        }
        return dev.vq4j.autograd.Shaping.cat(images, 0).mul(2f).sub(1f);
    }

    static Tensor toUnit(Tensor x) {
        return x.add(1f).mul(0.5f).clamp(0f, 1f);
    }

    /** {@code reconstruct --config Y --checkpoint C in.png [in2.png ...] out.png} (one input: out is its reconstruction; several: a grid). */
    static int reconstruct(Options options, PrintStream out) {
        List<String> pos = options.positional();
        if (pos.size() < 2) throw new UsageException("with --config: reconstruct IN.png [IN2.png ...] OUT.png");
        Path png = Path.of(pos.getLast());
        if (!png.getFileName().toString().endsWith(".png")) throw new UsageException("the output must end in .png, got " + png);
        VqganModel m = load(options);
        Tensor x = readImages(pos.subList(0, pos.size() - 1), m), recon;
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            recon = toUnit(m.forward(x));
        }
        try {
            if (x.size(0) == 1) ImageFiles.writePng(png, recon.select(0, 0));
            else dev.vq4j.models.viz.Plots.imageGrid(png, List.of(toUnit(x), recon), List.of("original", "reconstruction"));
        } catch (IOException e) {
            throw new UsageException("cannot write " + png + ": " + e.getMessage());
        }
        out.printf("wrote %s: reconstruction of %d image(s) of %dx%d px (%d codes each)%n", png, x.size(0), x.size(3), x.size(2),
                (x.size(2) / m.config().downsamplingFactor()) * (x.size(3) / m.config().downsamplingFactor()));
        return 0;
    }

    /** {@code encode --config Y --checkpoint C --out codes.npy in.png ...}: int64 codes [N, h, w]. */
    static int encode(Options options, PrintStream out) {
        List<String> pos = options.positional();
        if (pos.isEmpty()) throw new UsageException("with --config: encode --out CODES.npy IN.png [IN2.png ...]");
        Path file = Path.of(options.string("out"));
        if (!file.getFileName().toString().endsWith(".npy")) throw new UsageException("with --config, --out must end in .npy, got " + file);
        VqganModel m = load(options);
        Tensor x = readImages(pos, m), codes;
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            codes = m.encode(x).indices().to(DType.INT64).contiguous();
        }
        try {
            Npy.writeInt64(file, codes.toLongArray(), codes.shape());
        } catch (IOException e) {
            throw new UsageException("cannot write " + file + ": " + e.getMessage());
        }
        out.printf("encoded %d image(s) into codes of shape %s (codebook %d) -> %s%n", x.size(0), Arrays.toString(codes.shape()),
                m.config().nEmbed(), file);
        return 0;
    }

    /** {@code decode --config Y --checkpoint C --codes codes.npy --out DIR}: one PNG per image. */
    static int decode(Options options, PrintStream out) {
        if (options.string("codes") == null) throw new UsageException("--codes FILE.npy is required");
        Path file = Path.of(options.string("codes"));
        Npy.Array a;
        try {
            a = Npy.readIntegers(file);
        } catch (IOException e) {
            throw new UsageException("cannot read --codes " + file + ": " + e.getMessage());
        }
        VqganModel m = load(options);
        int k = m.config().nEmbed();
        if (a.shape().length != 3 || a.shape()[0] < 1) throw new UsageException("codes " + Arrays.toString(a.shape()) + " in " + file + ": expected [images, height, width]");
        for (long c : a.data()) if (c < 0 || c >= k) throw new UsageException("code " + c + " in " + file + " is outside the codebook [0, " + k + ")");
        Tensor images;
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            images = toUnit(m.decodeCode(Tensor.ofLongs(a.data(), a.shape())));
        }
        ImageFiles.writeDecoded(images, Path.of(options.string("out")), out);
        return 0;
    }
}
