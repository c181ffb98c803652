package dev.vq4j.models.prior;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.models.ImageTokenizer;
import dev.vq4j.models.data.ImageDataset;

import java.util.function.LongConsumer;

/**
 * A dataset through a tokenizer: every image's code grid, with its label when the source has labels,
 * optionally with a mirrored copy of each image and several passes over a source that draws random
 * crops (the usual augmentation for training a prior on few images).
 */
public final class Tokenization {
    private Tokenization() {}

    /**
     * @param flip      also encode each image mirrored left-right (doubles the grids)
     * @param copies    passes over the data (> 1 only for a source that draws random crops or flips)
     * @param batchSize images encoded together
     */
    public record Options(boolean flip, int copies, int batchSize) {
        public Options {
            if (copies < 1) throw new IllegalArgumentException("tokenize: copies must be >= 1, got " + copies);
            if (batchSize < 1) throw new IllegalArgumentException("tokenize: batch size must be >= 1, got " + batchSize);
        }
    }

    /** Total images that {@link #run} encodes, for a progress bar. */
    public static long imageCount(ImageDataset data, Options o) {
        return (long) data.size() * o.copies() * (o.flip() ? 2 : 1);
    }

    /**
     * Encodes the data; {@code progress} is told the number of images done after every batch.
     *
     * @param tokenizerPath recorded in the result (and its file) so a prior trained on it can decode its samples; may be null
     */
    public static CodeDataset run(ImageTokenizer tokenizer, ImageDataset data, Options o, String tokenizerPath, LongConsumer progress) {
        if (o.copies() > 1 && data.rngState() == null)
            throw new IllegalArgumentException("tokenize: --copies " + o.copies() + " would repeat the same grids: " + data.describe()
                    + " draws no random crops or flips (use --flip, or a folder: source)");
        if (tokenizer.quantizer().codesPerPosition() != 1)
            throw new IllegalArgumentException("tokenize: the tokenizer's " + tokenizer.quantizer().getClass().getSimpleName() + " gives "
                    + tokenizer.quantizer().codesPerPosition() + " codes per position; a prior models one code per position");
        int[] grid = tokenizer.codeGridShape(data.height(), data.width());
        int h = grid[0], w = grid[1], plane = h * w;
        boolean labelled = data.classNames() != null;
        long total = imageCount(data, o);
        if (total > Integer.MAX_VALUE / plane) throw new IllegalArgumentException("tokenize: " + total + " grids of " + h + "x" + w + " are too many for one file");
        long[] codes = new long[(int) total * plane];
        long[] labels = labelled ? new long[(int) total] : null;
        int done = 0;
        for (int copy = 0; copy < o.copies(); copy++) {
            for (int start = 0; start < data.size(); start += o.batchSize()) {
                int n = Math.min(o.batchSize(), data.size() - start);
                int[] idx = new int[n];
                for (int i = 0; i < n; i++) idx[i] = start + i;
                Tensor images = data.batch(idx);
                long[] l = labelled ? data.labels(idx).toLongArray() : null;
                for (int pass = 0; pass < (o.flip() ? 2 : 1); pass++) {
                    Tensor in = pass == 0 ? images : mirror(images);
                    long[] c = tokenizer.encodeImages(in).contiguous().toLongArray();
                    System.arraycopy(c, 0, codes, done * plane, n * plane);
                    if (l != null) System.arraycopy(l, 0, labels, done, n);
                    done += n;
                    progress.accept(done);
                }
            }
        }
        return new CodeDataset(codes, done, h, w, tokenizer.codebookSize(), labels, labelled ? data.classNames() : null, tokenizerPath,
                data.describe() + (o.flip() ? ", with mirrored copies" : "") + (o.copies() > 1 ? ", " + o.copies() + " passes" : ""));
    }

    /** Images [B, C, H, W] mirrored left-right. */
    static Tensor mirror(Tensor images) {
        int[] s = images.shape();
        float[] x = images.contiguous().toFloatArray(), y = new float[x.length];
        int w = s[3];
        for (int row = 0; row < x.length / w; row++)
            for (int j = 0; j < w; j++) y[row * w + j] = x[row * w + w - 1 - j];
        return Tensor.of(y, s);
    }
}
