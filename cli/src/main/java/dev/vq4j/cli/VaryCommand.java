package dev.vq4j.cli;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.core.Rng;
import dev.vq4j.models.ImageTokenizer;
import dev.vq4j.models.data.Images;
import dev.vq4j.models.prior.CodePrior;
import dev.vq4j.models.prior.Priors;
import dev.vq4j.models.prior.SampleOptions;
import dev.vq4j.models.viz.Plots;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code vq4j vary IN.png}: variations and inpainting. The image is encoded, a random fraction
 * ({@code --mask-ratio}) or a rectangle ({@code --region}, in pixels) of its code grid is re-sampled by
 * the prior while the rest is kept, and each variation is decoded: N images that keep the rest of the input.
 */
final class VaryCommand implements Command {
    @Override
    public String name() {
        return "vary";
    }

    @Override
    public String summary() {
        return "variations / inpainting of an image: re-sample part of its code grid with a prior";
    }

    @Override
    public List<Options.Spec> options() {
        List<Options.Spec> s = new ArrayList<>(PriorOptions.specs("8"));
        s.add(Options.Spec.value("mask-ratio", null, "re-sample this random fraction of the code grid (default 0.3 without --region)"));
        s.add(Options.Spec.value("region", null, "re-sample the codes under this rectangle of pixels: x0,y0,x1,y1 (x1, y1 exclusive)"));
        s.add(Options.Spec.value("out", "variations.png", "the PNG grid: the input, its reconstruction and the variations"));
        return s;
    }

    @Override
    public int run(Options options, PrintStream out) {
        if (options.positional().size() != 1) throw new UsageException("give one input image (PNG or JPEG), got " + options.positional().size());
        if (options.string("mask-ratio") != null && options.string("region") != null) throw new UsageException("give --mask-ratio or --region, not both");
        int count = options.integer("count");
        if (count < 1) throw new UsageException("--count must be >= 1, got " + count);
        Priors.Loaded p = PriorOptions.load(options);
        if (p.tokenizer() == null) throw new UsageException("no tokenizer to encode and decode with: pass --tokenizer RUN_OR_CKPT");
        CodePrior prior = p.prior();
        ImageTokenizer tok = p.tokenizer();
        Path in = Path.of(options.positional().getFirst());
        Tensor image;
        try {
            image = Images.read(in, tok.imageChannels()).unsqueeze(0);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new UsageException(e.getMessage());
        }
        int height = image.size(2), width = image.size(3);
        int[] grid;
        try {
            grid = tok.codeGridShape(height, width);
        } catch (IllegalArgumentException e) {
            throw new UsageException(in + ": " + e.getMessage());
        }
        if (!Arrays.equals(grid, prior.gridShape()))
            throw new UsageException(in + " is " + width + "x" + height + " px, which gives a " + grid[0] + "x" + grid[1] + " code grid; the prior models "
                    + prior.gridShape()[0] + "x" + prior.gridShape()[1] + " (resize the image to " + prior.gridShape()[1] * width / grid[1] + "x"
                    + prior.gridShape()[0] * height / grid[0] + ")");
        boolean[] cellKeep = options.string("region") != null ? regionKeep(options.string("region"), grid, height, width)
                : ratioKeep(options.string("mask-ratio") == null ? 0.3 : options.number("mask-ratio"), grid, options.integer("seed"));
        int cells = grid[0] * grid[1], resampled = 0;
        for (boolean k : cellKeep) if (!k) resampled++;
        Tensor codes = tok.encodeImages(image);
        long[] one = codes.contiguous().toLongArray(), many = new long[count * cells];
        boolean[] keep = new boolean[count * cells];
        for (int n = 0; n < count; n++) {
            System.arraycopy(one, 0, many, n * cells, cells);
            System.arraycopy(cellKeep, 0, keep, n * cells, cells);
        }
        int label = PriorOptions.classIndex(options, p);
        if (prior.numClasses() > 0 && label < 0) throw new UsageException("this prior is class-conditional: say which class the image is with --class");
        SampleOptions o = PriorOptions.sampleOptions(options, count, label);
        ProgressBar[] bar = {null}; // its total is the prior's: the GPT counts kept codes it reads, MaskGIT only the ones it draws
        long t0 = System.nanoTime();
        Tensor varied = prior.resample(Tensor.ofLongs(many, count, grid[0], grid[1]), keep, o, (done, total) -> {
            if (bar[0] == null) bar[0] = ProgressBar.forStdout(out, (int) Math.max(1, Math.min(Integer.MAX_VALUE, total)));
            bar[0].update((int) done, "tokens");
        });
        double seconds = (System.nanoTime() - t0) / 1e9;
        Tensor mask = maskImage(cellKeep, grid, height, width, tok.imageChannels(), tok.decodeCodes(codes));
        Path png = Path.of(options.string("out"));
        Plots.imageGrid(png, List.of(dev.vq4j.autograd.Shaping.cat(List.of(image, tok.decodeCodes(codes), mask), 0), tok.decodeCodes(varied)),
                List.of("input | recon | kept", "variations"));
        out.printf(Locale.ROOT, "re-sampled %d of %d codes in %d variations in %.1f s; wrote %s%n", resampled, cells, count, seconds, png);
        return 0;
    }

    /** Keeps every cell outside the rectangle x0,y0,x1,y1 (pixels); re-samples each cell it overlaps. */
    static boolean[] regionKeep(String spec, int[] grid, int height, int width) {
        String[] parts = spec.split(",");
        if (parts.length != 4) throw new UsageException("--region expects x0,y0,x1,y1 in pixels, got '" + spec + "'");
        int[] r = new int[4];
        try {
            for (int i = 0; i < 4; i++) r[i] = Integer.parseInt(parts[i].strip());
        } catch (NumberFormatException e) {
            throw new UsageException("--region expects four integers x0,y0,x1,y1, got '" + spec + "'");
        }
        if (r[0] < 0 || r[1] < 0 || r[2] > width || r[3] > height || r[0] >= r[2] || r[1] >= r[3])
            throw new UsageException("--region " + spec + " is not a rectangle inside the " + width + "x" + height + " image (0 <= x0 < x1 <= width, 0 <= y0 < y1 <= height)");
        int cellH = height / grid[0], cellW = width / grid[1];
        boolean[] keep = new boolean[grid[0] * grid[1]];
        for (int i = 0; i < grid[0]; i++)
            for (int j = 0; j < grid[1]; j++) {
                boolean overlaps = j * cellW < r[2] && (j + 1) * cellW > r[0] && i * cellH < r[3] && (i + 1) * cellH > r[1];
                keep[i * grid[1] + j] = !overlaps;
            }
        return keep;
    }

    /** Re-samples round(ratio · cells) cells (at least one) chosen at random from the seed. */
    static boolean[] ratioKeep(double ratio, int[] grid, long seed) {
        if (!(ratio > 0 && ratio <= 1)) throw new UsageException("--mask-ratio must be in (0, 1], got " + ratio);
        int cells = grid[0] * grid[1], drop = Math.max(1, (int) Math.round(ratio * cells));
        int[] order = new int[cells];
        for (int i = 0; i < cells; i++) order[i] = i;
        Rng rng = new Rng(seed ^ 0x7A57L);
        for (int i = cells - 1; i > 0; i--) { // Fisher-Yates
            int j = (int) rng.nextLong(i + 1), t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        boolean[] keep = new boolean[cells];
        Arrays.fill(keep, true);
        for (int i = 0; i < drop; i++) keep[order[i]] = false;
        return keep;
    }

    /** The reconstruction with the re-sampled cells greyed out: what the prior was told to keep. */
    private static Tensor maskImage(boolean[] keep, int[] grid, int height, int width, int channels, Tensor recon) {
        float[] px = recon.contiguous().toFloatArray();
        int cellH = height / grid[0], cellW = width / grid[1];
        for (int c = 0; c < channels; c++)
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                    if (!keep[Math.min(grid[0] - 1, y / cellH) * grid[1] + Math.min(grid[1] - 1, x / cellW)]) px[(c * height + y) * width + x] = 0.5f;
        return Tensor.of(px, 1, channels, height, width);
    }
}
