package dev.vq4j.cli;

import dev.vq4j.autograd.Shaping;
import dev.vq4j.autograd.Tensor;
import dev.vq4j.core.DType;
import dev.vq4j.core.io.SafeTensors;
import dev.vq4j.core.io.TensorData;
import dev.vq4j.models.data.Images;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** {@code vq4j decode}: code indices (.npy or .safetensors from {@code vq4j encode}) -> one PNG per image; any tokenizer. */
final class DecodeCommand implements Command {
    @Override
    public String name() {
        return "decode";
    }

    @Override
    public String summary() {
        return "turn code indices (.npy or .safetensors) back into PNG images";
    }

    @Override
    public List<Options.Spec> options() {
        List<Options.Spec> s = new ArrayList<>(Loaded.checkpointOptions());
        s.add(Options.Spec.value("codes", null, "codes file from vq4j encode (.npy or .safetensors); required"));
        s.add(Options.Spec.value("out", "decoded", "directory for image-0000.png, image-0001.png, ..."));
        return s;
    }

    @Override
    public int run(Options options, PrintStream out) {
        if (!options.positional().isEmpty()) throw new UsageException("takes no arguments, got " + options.positional());
        if (options.string("codes") == null) throw new UsageException("--codes FILE is required (.npy or .safetensors from vq4j encode)");
        Path file = Path.of(options.string("codes"));
        long[] codes;
        int[] shape;
        try {
            if (file.getFileName().toString().endsWith(".safetensors")) {
                Map<String, TensorData> t = SafeTensors.read(file);
                TensorData d = t.get("codes");
                if (d == null && t.size() == 1) d = t.values().iterator().next();
                if (d == null) throw new UsageException(file + " has no tensor named \"codes\" (has " + t.keySet() + ")");
                if (d.dtype() != DType.INT64 && d.dtype() != DType.INT32) throw new UsageException(file + ": codes must be int64 or int32, got " + d.dtype());
                shape = d.shape();
                codes = d.dtype() == DType.INT64 ? d.longs() : Arrays.stream((int[]) d.data()).asLongStream().toArray();
            } else {
                Npy.Array a = Npy.readIntegers(file);
                shape = a.shape();
                codes = a.data();
            }
        } catch (NoSuchFileException e) {
            throw new UsageException("--codes " + file + " does not exist");
        } catch (IOException e) {
            throw new UsageException("cannot read --codes " + file + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        Loaded loaded = Loaded.from(options);
        int k = loaded.model().codebookSize(), stages = loaded.model().quantizer().codesPerPosition();
        int rank = stages == 1 ? 3 : 4;
        if (shape.length != rank || shape[0] < 1 || (rank == 4 && shape[3] != stages))
            throw new UsageException("codes " + Arrays.toString(shape) + " in " + file + ": expected "
                    + (rank == 3 ? "[images, height, width]" : "[images, height, width, " + stages + "]") + " as vq4j encode writes for this " + loaded.model().modelType());
        for (long c : codes)
            if (c < (rank == 4 ? -1 : 0) || c >= k) throw new UsageException("code " + c + " in " + file + " is outside the checkpoint's codebook [0, " + k + ")");
        // a 128 MB file of 4096x4096 codes would decode to 16384x16384 images: refused before the decoder allocates
        long f = loaded.model().downsampling(), pixels = shape[1] * f * shape[2] * f, limit = Images.maxPixels();
        try {
            Images.checkPixels("codes " + Arrays.toString(shape) + " in " + file + " decode to images of", shape[1] * f, shape[2] * f);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        // decoded a few images at a time, so the decoder's activations stay the size of one small batch
        int perImage = codes.length / shape[0], batch = (int) Math.max(1, Math.min(16, limit / Math.max(1, 16 * pixels)));
        List<Tensor> parts = new ArrayList<>();
        for (int start = 0; start < shape[0]; start += batch) {
            int n = Math.min(batch, shape[0] - start);
            int[] partShape = shape.clone();
            partShape[0] = n;
            long[] part = Arrays.copyOfRange(codes, start * perImage, (start + n) * perImage);
            parts.add(loaded.model().decodeCodes(Tensor.ofLongs(part, partShape)));
        }
        Tensor images = parts.size() == 1 ? parts.getFirst() : Shaping.cat(parts, 0);
        ImageFiles.writeDecoded(images, Path.of(options.string("out")), out);
        return 0;
    }
}
