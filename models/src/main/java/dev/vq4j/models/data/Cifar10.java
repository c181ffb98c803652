package dev.vq4j.models.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * CIFAR-10 binary batches (Krizhevsky 2009, https://www.cs.toronto.edu/~kriz/cifar.html): records of
 * 1 label byte (0..9) then 3072 pixel bytes, the 1024 red, 1024 green, 1024 blue values of a 32×32
 * image in row-major order. Files may be gzipped.
 */
public final class Cifar10 {

    public static final int SIDE = 32, RECORD = 1 + 3 * SIDE * SIDE;
    public static final String[] CLASSES = {"airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"};

    private Cifar10() {}

    /**
     * The training batches ({@code data_batch_*.bin}, sorted by name) or the test batch
     * ({@code test_batch.bin}) found in {@code dir}.
     */
    public static ByteImages readDirectory(Path dir, boolean train) {
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException("CIFAR-10 directory " + dir + ": no such directory");
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> {
                String n = p.getFileName().toString();
                return train ? n.matches("data_batch_.*\\.bin(\\.gz)?") : n.matches("test_batch\\.bin(\\.gz)?");
            }).sorted().toList();
        } catch (IOException e) {
            throw new IllegalArgumentException("CIFAR-10 directory " + dir + ": cannot list (" + e.getMessage() + ")", e);
        }
        if (files.isEmpty())
            throw new IllegalArgumentException("CIFAR-10 directory " + dir + ": no " + (train ? "data_batch_*.bin" : "test_batch.bin")
                    + " files (expected the binary version, cifar-10-batches-bin)");
        return read(files);
    }

    /** Reads and concatenates the given batch files. */
    public static ByteImages read(List<Path> files) {
        if (files.isEmpty()) throw new IllegalArgumentException("CIFAR-10: no files given");
        List<byte[]> parts = new ArrayList<>();
        long total = 0;
        for (Path f : files) {
            byte[] b = DataFiles.readMaybeGzipped(f, "CIFAR-10 file");
            String where = "CIFAR-10 file " + f;
            if (b.length == 0) throw new IllegalArgumentException(where + ": empty");
            if (b.length % RECORD != 0)
                throw new IllegalArgumentException(where + ": " + b.length + " bytes is not a whole number of " + RECORD
                        + "-byte records (1 label + 3072 pixels); record " + (b.length / RECORD) + " at offset "
                        + (b.length / RECORD) * (long) RECORD + " is cut short (truncated?)");
            for (int r = 0; r < b.length / RECORD; r++) {
                int label = b[r * RECORD] & 255;
                if (label > 9)
                    throw new IllegalArgumentException(where + ": record " + r + " at offset " + (long) r * RECORD + " has label " + label
                            + ", expected 0..9 (is this CIFAR-100, which has 2 label bytes?)");
            }
            parts.add(b);
            total += b.length / RECORD;
        }
        if (total * (RECORD - 1) > Integer.MAX_VALUE) throw new IllegalArgumentException("CIFAR-10: too many images (" + total + ")");
        int n = (int) total;
        byte[] pixels = new byte[n * (RECORD - 1)];
        int[] labels = new int[n];
        int i = 0;
        for (byte[] b : parts)
            for (int r = 0; r < b.length / RECORD; r++, i++) {
                labels[i] = b[r * RECORD] & 255;
                System.arraycopy(b, r * RECORD + 1, pixels, i * (RECORD - 1), RECORD - 1);
            }
        String name = files.size() == 1 ? files.get(0).getFileName().toString() : files.size() + " files";
        return new ByteImages(pixels, n, 3, SIDE, SIDE, labels, "CIFAR-10 " + name).withClassNames(java.util.List.of(CLASSES));
    }
}
