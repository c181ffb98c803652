package dev.vq4j.models;

import dev.vq4j.autograd.GradMode;
import dev.vq4j.autograd.Shaping;
import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.Module;
import dev.vq4j.core.DType;
import dev.vq4j.models.data.Images;
import dev.vq4j.models.quant.Quantizer;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The one contract of every image tokenizer in vq4j (VQ-VAE, VQGAN, and the models to come): images
 * in, code grids out, and back. Images are always floats in [0, 1] ([N, C, H, W] tensors) or 8-bit
 * {@link BufferedImage}s; each model keeps its own pixel range inside (VQGAN works in [−1, 1], as
 * taming-transformers does).
 *
 * <p>For Java programs: {@link #load(Path)} opens whatever vq4j or taming wrote, and
 * {@link #encode(List)} / {@link #decode(int[][][])} work on plain images and int arrays. Calls are
 * safe from several threads at once: they are serialised on the tokenizer (each one already runs on
 * all cores). {@link #close()} releases the tokenizer; using it afterwards is an error.
 *
 * <pre>{@code
 * try (ImageTokenizer tok = ImageTokenizer.load(Path.of("runs/vqgan"))) {
 *     int[][][] codes = tok.encode(List.of(ImageIO.read(new File("cat.png"))));
 *     BufferedImage back = tok.decode(codes).getFirst();
 * }
 * }</pre>
 */
public interface ImageTokenizer extends AutoCloseable {

    // ---- loading ---------------------------------------------------------------------------------

    /**
     * A run directory (its newest checkpoint), a checkpoint directory, a taming checkpoint directory
     * ({@code model.yaml} + weights), or a weights file with its {@code config.json} or
     * {@code model.yaml} beside it. See {@link TokenizerLoader}.
     */
    static ImageTokenizer load(Path runOrCheckpoint) {
        return TokenizerLoader.load(runOrCheckpoint);
    }

    /** A config ({@code model.yaml} of taming, or a vq4j {@code config.json}) and a weights file (.ckpt, .pt, .safetensors). */
    static ImageTokenizer load(Path config, Path checkpoint) {
        return TokenizerLoader.load(config, checkpoint);
    }

    // ---- what every model implements (tensors) ---------------------------------------------------

    /** "vqvae", "vqgan", ...: the {@code model_type} of its checkpoints. */
    String modelType();

    /** Image channels the model reads and writes (1 grey, 3 RGB). */
    int imageChannels();

    /** Pixels per code along each side. */
    int downsampling();

    /** Distinct codes (per stage, for residual quantisers). */
    int codebookSize();

    /** The quantiser that holds the codebook(s). */
    Quantizer quantizer();

    /** The model as a module (weights, train/eval mode). */
    Module module();

    /**
     * The shape of one image's codes for an image of this size: {@code [h, w]}, or
     * {@code [h, w, stages]} for residual quantisers. Fails, naming the sizes, when the image cannot
     * be downsampled evenly.
     */
    default int[] codeGridShape(int height, int width) {
        int f = downsampling();
        if (height < f || width < f || height % f != 0 || width % f != 0)
            throw new IllegalArgumentException(modelType() + ": images of " + height + "x" + width + " px cannot be downsampled by " + f
                    + " (height and width must be positive multiples of " + f + ")");
        int stages = quantizer().codesPerPosition();
        return stages == 1 ? new int[] {height / f, width / f} : new int[] {height / f, width / f, stages};
    }

    /** Images [N, C, H, W] in [0, 1] → int64 codes [N, ...{@link #codeGridShape}]; no gradients. */
    Tensor encodeImages(Tensor images);

    /** Codes as {@link #encodeImages} makes them → images [N, C, H, W] in [0, 1] (clamped); no gradients. */
    Tensor decodeCodes(Tensor codes);

    /** Reconstructed images in [0, 1] (clamped) and the codes they went through. */
    record Reconstruction(Tensor images, Tensor codes) {}

    /** Images [N, C, H, W] in [0, 1] → their reconstructions and codes; no gradients. {@code decodeCodes(encodeImages(x))} gives the same images. */
    Reconstruction reconstructImages(Tensor images);

    // ---- plain Java: BufferedImage and int arrays --------------------------------------------------

    /** Images of one size → codes [image][row][col]. Colour images are read as RGB (or luma for 1-channel models). */
    default int[][][] encode(List<BufferedImage> images) {
        if (images == null || images.isEmpty()) throw new IllegalArgumentException(modelType() + " encode: no images given");
        if (quantizer().codesPerPosition() != 1)
            throw new IllegalArgumentException(modelType() + " encode: this tokenizer has " + quantizer().codesPerPosition()
                    + " codes per position (residual quantiser); use encodeImages(Tensor), whose codes are [N, h, w, stages]");
        BufferedImage first = images.getFirst();
        List<Tensor> batch = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            BufferedImage img = images.get(i);
            if (img == null) throw new IllegalArgumentException(modelType() + " encode: image " + i + " is null");
            if (img.getWidth() != first.getWidth() || img.getHeight() != first.getHeight())
                throw new IllegalArgumentException(modelType() + " encode: image " + i + " is " + img.getWidth() + "x" + img.getHeight()
                        + " px, image 0 is " + first.getWidth() + "x" + first.getHeight() + "; give images of one size");
            batch.add(Images.fromImage(img, imageChannels()).unsqueeze(0));
        }
        codeGridShape(first.getHeight(), first.getWidth());
        Tensor codes;
        synchronized (this) {
            checkOpen();
            try (GradMode.Scope ignored = GradMode.noGrad()) {
                codes = encodeImages(Shaping.cat(batch, 0)).to(DType.INT64).contiguous();
            }
        }
        int n = codes.size(0), h = codes.size(1), w = codes.size(2);
        long[] flat = codes.toLongArray();
        int[][][] out = new int[n][h][w];
        for (int i = 0, p = 0; i < n; i++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) out[i][y][x] = (int) flat[p++];
        return out;
    }

    /** Codes [image][row][col] (every image the same grid) → images. Codes outside the codebook are an error naming the first. */
    default List<BufferedImage> decode(int[][][] codes) {
        if (codes == null || codes.length == 0) throw new IllegalArgumentException(modelType() + " decode: no codes given");
        int h = codes[0].length, w = h == 0 ? 0 : codes[0][0].length, k = codebookSize();
        if (h == 0 || w == 0) throw new IllegalArgumentException(modelType() + " decode: code grid 0 is empty");
        long[] flat = new long[codes.length * h * w];
        int p = 0;
        for (int i = 0; i < codes.length; i++) {
            if (codes[i].length != h) throw new IllegalArgumentException(modelType() + " decode: code grid " + i + " has " + codes[i].length + " rows, grid 0 has " + h);
            for (int y = 0; y < h; y++) {
                if (codes[i][y].length != w)
                    throw new IllegalArgumentException(modelType() + " decode: row " + y + " of code grid " + i + " has " + codes[i][y].length + " codes, expected " + w);
                for (int x = 0; x < w; x++) {
                    int c = codes[i][y][x];
                    if (c < 0 || c >= k)
                        throw new IllegalArgumentException(modelType() + " decode: code " + c + " at [" + i + "][" + y + "][" + x + "] is outside the codebook [0, " + k + ")");
                    flat[p++] = c;
                }
            }
        }
        Tensor images;
        synchronized (this) {
            checkOpen();
            images = decodeCodes(Tensor.ofLongs(flat, codes.length, h, w)).contiguous();
        }
        List<BufferedImage> out = new ArrayList<>();
        for (int i = 0; i < codes.length; i++) out.add(Images.toImage(images.select(0, i)));
        return out;
    }

    /** Fails once {@link #close()} was called. */
    default void checkOpen() {}

    /** Releases the tokenizer; later calls fail. Closing twice is harmless. */
    @Override
    default void close() {}
}
