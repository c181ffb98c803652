package dev.vq4j.models.prior;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.core.DType;
import dev.vq4j.core.io.Json;
import dev.vq4j.core.io.SafeTensors;
import dev.vq4j.core.io.TensorData;
import dev.vq4j.models.train.TrainingData;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A dataset's code grids, what {@code vq4j tokenize} writes and a prior trains on: int64 codes
 * [N, h, w] in [0, K), optional int64 labels [N] with their class names, and where they came from.
 *
 * <p>File format ({@code codes.safetensors}): tensors {@code codes} [N, h, w] and, with labels,
 * {@code labels} [N]; metadata {@code codebook_size}, {@code tokenizer} (the checkpoint that made the
 * codes), {@code source} (the data) and {@code classes} (a JSON list of names).
 */
public final class CodeDataset implements TrainingData {
    private final long[] codes;
    private final int count, height, width, codebookSize;
    private final long[] labels;
    private final List<String> classNames;
    private final String tokenizer, source;

    /**
     * @param codes      row-major [count, height, width], each in [0, codebookSize)
     * @param labels     one per grid in [0, classNames.size()), or null
     * @param classNames the label names (null exactly when labels is null)
     * @param tokenizer  the checkpoint the codes came from (for decoding samples), or null
     */
    public CodeDataset(long[] codes, int count, int height, int width, int codebookSize, long[] labels, List<String> classNames, String tokenizer,
                       String source) {
        if (count < 1 || height < 1 || width < 1) throw new IllegalArgumentException("code dataset: need at least one grid of at least 1x1, got " + count + " of " + height + "x" + width);
        if (codes.length != (long) count * height * width)
            throw new IllegalArgumentException("code dataset: " + codes.length + " codes for " + count + " grids of " + height + "x" + width);
        if (codebookSize < 1) throw new IllegalArgumentException("code dataset: codebook size must be >= 1, got " + codebookSize);
        for (int i = 0; i < codes.length; i++)
            if (codes[i] < 0 || codes[i] >= codebookSize)
                throw new IllegalArgumentException("code dataset: code " + codes[i] + " at grid " + i / (height * width) + " is outside [0, " + codebookSize + ")");
        if ((labels == null) != (classNames == null))
            throw new IllegalArgumentException("code dataset: labels and class names come together");
        if (labels != null) {
            if (labels.length != count) throw new IllegalArgumentException("code dataset: " + labels.length + " labels for " + count + " grids");
            for (int i = 0; i < count; i++)
                if (labels[i] < 0 || labels[i] >= classNames.size())
                    throw new IllegalArgumentException("code dataset: label " + labels[i] + " of grid " + i + " is not one of the " + classNames.size() + " classes");
        }
        this.codes = codes;
        this.count = count;
        this.height = height;
        this.width = width;
        this.codebookSize = codebookSize;
        this.labels = labels;
        this.classNames = classNames == null ? null : List.copyOf(classNames);
        this.tokenizer = tokenizer;
        this.source = source == null ? "" : source;
    }

    @Override
    public int size() {
        return count;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public int codebookSize() {
        return codebookSize;
    }

    /** Class names, or null for unlabelled codes. */
    public List<String> classNames() {
        return classNames;
    }

    public int numClasses() {
        return classNames == null ? 0 : classNames.size();
    }

    /** The tokenizer checkpoint the codes came from, or null. */
    public String tokenizer() {
        return tokenizer;
    }

    @Override
    public Batch examples(int[] indices) {
        int plane = height * width;
        long[] c = new long[indices.length * plane];
        long[] l = labels == null ? null : new long[indices.length];
        for (int b = 0; b < indices.length; b++) {
            int i = indices[b];
            if (i < 0 || i >= count) throw new IndexOutOfBoundsException("code dataset: index " + i + " out of range for " + count + " grids");
            System.arraycopy(codes, i * plane, c, b * plane, plane);
            if (l != null) l[b] = labels[i];
        }
        return new Batch(Tensor.ofLongs(c, indices.length, height, width), l == null ? null : Tensor.ofLongs(l, indices.length));
    }

    /** Grids {@code from} .. {@code from + n − 1} (train/held-out splits). */
    public CodeDataset slice(int from, int n) {
        if (from < 0 || n < 1 || from + n > count)
            throw new IllegalArgumentException("code dataset: grids " + from + ".." + (from + n - 1) + " are not within the " + count + " of " + describe());
        int plane = height * width;
        long[] c = java.util.Arrays.copyOfRange(codes, from * plane, (from + n) * plane);
        long[] l = labels == null ? null : java.util.Arrays.copyOfRange(labels, from, from + n);
        return new CodeDataset(c, n, height, width, codebookSize, l, classNames, tokenizer, source + " [" + from + ".." + (from + n - 1) + "]");
    }

    /** How many grids each class has (empty for unlabelled codes). */
    public int[] classCounts() {
        int[] out = new int[numClasses()];
        if (labels != null) for (long l : labels) out[(int) l]++;
        return out;
    }

    @Override
    public String describe() {
        return "codes: " + count + " grids of " + height + "x" + width + " over " + codebookSize + " codes"
                + (classNames == null ? "" : ", " + classNames.size() + " classes") + (source.isEmpty() ? "" : " (" + source + ")");
    }

    /** Writes the file atomically (temp file, fsync, rename). */
    public void write(Path file) throws IOException {
        Map<String, TensorData> t = new LinkedHashMap<>();
        t.put("codes", new TensorData(DType.INT64, new int[] {count, height, width}, codes));
        if (labels != null) t.put("labels", new TensorData(DType.INT64, new int[] {count}, labels));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "vq4j-codes");
        meta.put("codebook_size", Integer.toString(codebookSize));
        if (tokenizer != null) meta.put("tokenizer", tokenizer);
        meta.put("source", source);
        if (classNames != null) {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < classNames.size(); i++) sb.append(i == 0 ? "" : ",").append(Json.quote(classNames.get(i)));
            meta.put("classes", sb.append(']').toString());
        }
        SafeTensors.write(file, t, meta);
    }

    /** Reads a file {@link #write} wrote; anything else is an error naming the file and the problem. */
    public static CodeDataset read(Path file) throws IOException {
        SafeTensors.Contents contents = SafeTensors.readWithMetadata(file);
        Map<String, String> meta = contents.metadata() == null ? Map.of() : contents.metadata();
        TensorData codes = contents.tensors().get("codes");
        if (codes == null) throw new IllegalArgumentException(file + ": no 'codes' tensor (write one with vq4j tokenize)");
        if (codes.dtype() != DType.INT64 || codes.shape().length != 3)
            throw new IllegalArgumentException(file + ": 'codes' must be int64 [N, h, w], is " + codes.dtype() + " " + java.util.Arrays.toString(codes.shape()));
        String k = meta.get("codebook_size");
        if (k == null) throw new IllegalArgumentException(file + ": no codebook_size in the metadata (write the file with vq4j tokenize)");
        int codebookSize;
        try {
            codebookSize = Integer.parseInt(k);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + ": codebook_size '" + k + "' is not an integer");
        }
        TensorData labels = contents.tensors().get("labels");
        List<String> names = null;
        if (labels != null) {
            if (labels.dtype() != DType.INT64 || labels.shape().length != 1)
                throw new IllegalArgumentException(file + ": 'labels' must be int64 [N], is " + labels.dtype() + " " + java.util.Arrays.toString(labels.shape()));
            if (meta.get("classes") == null) throw new IllegalArgumentException(file + ": labels without 'classes' in the metadata");
            Object parsed = Json.parse(meta.get("classes"));
            if (!(parsed instanceof List<?> list)) throw new IllegalArgumentException(file + ": 'classes' in the metadata is not a JSON list");
            names = new ArrayList<>();
            for (Object o : list) names.add(String.valueOf(o));
        }
        int[] s = codes.shape();
        try {
            return new CodeDataset(codes.longs(), s[0], s[1], s[2], codebookSize, labels == null ? null : labels.longs(), names, meta.get("tokenizer"),
                    meta.getOrDefault("source", file.toString()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }
}
