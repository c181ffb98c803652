package dev.vq4j.cli;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.core.io.SafeTensors;
import dev.vq4j.core.io.TensorData;
import dev.vq4j.core.DType;
import dev.vq4j.models.data.ImageDataset;
import dev.vq4j.models.vqvae.JsonWriter;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code vq4j encode}: images (files or --data) -> int64 code indices in a .npy or .safetensors file, plus a JSON file describing them; any tokenizer. */
final class EncodeCommand implements Command {
    @Override
    public String name() {
        return "encode";
    }

    @Override
    public String summary() {
        return "turn images into code indices (.npy or .safetensors, plus a .json with the shape)";
    }

    @Override
    public List<Options.Spec> options() {
        List<Options.Spec> s = new ArrayList<>(Loaded.checkpointOptions());
        s.addAll(Loaded.dataOptions("16"));
        s.add(Options.Spec.value("out", "codes.npy", "output file: .npy (int64) or .safetensors (tensor \"codes\")"));
        s.add(Options.Spec.value("batch", "32", "images per forward pass"));
        return s;
    }

    @Override
    public int run(Options options, PrintStream out) {
        Path file = Path.of(options.string("out"));
        String name = file.getFileName().toString();
        boolean npy = name.endsWith(".npy");
        if (!npy && !name.endsWith(".safetensors")) throw new UsageException("--out must end in .npy or .safetensors, got " + file);
        int batch = options.integer("batch");
        if (batch < 1) throw new UsageException("--batch must be >= 1, got " + batch);
        Loaded loaded = Loaded.from(options);
        ImageDataset images = loaded.images(options, options.positional());
        List<long[]> parts = new ArrayList<>();
        int[] shape = null;
        long total = 0;
        for (int start = 0; start < images.size(); start += batch) {
            int n = Math.min(batch, images.size() - start);
            Tensor codes = loaded.model().encodeImages(images.batch(Loaded.range(start, n))).to(DType.INT64);
            shape = codes.shape();
            long[] v = codes.contiguous().toLongArray();
            parts.add(v);
            total += v.length;
        }
        long[] all = new long[(int) total];
        int pos = 0;
        for (long[] p : parts) {
            System.arraycopy(p, 0, all, pos, p.length);
            pos += p.length;
        }
        shape[0] = images.size();
        Path json = file.resolveSibling(name.substring(0, name.lastIndexOf('.')) + ".json");
        try {
            if (npy) Npy.writeInt64(file, all, shape);
            else SafeTensors.write(file, Map.of("codes", new TensorData(DType.INT64, shape, all)), Map.of("checkpoint", loaded.source().toString()));
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("file", file.getFileName().toString());
            info.put("format", npy ? "npy" : "safetensors");
            info.put("dtype", "int64");
            List<Object> dims = new ArrayList<>();
            for (int d : shape) dims.add(d);
            info.put("shape", dims);
            info.put("layout", shape.length == 4 ? "[images, height / downsample, width / downsample, stages]" : "[images, height / downsample, width / downsample]");
            info.put("model_type", loaded.model().modelType());
            info.put("codebook_size", loaded.model().codebookSize());
            info.put("downsample", loaded.model().downsampling());
            info.put("image_channels", loaded.model().imageChannels());
            info.put("image_size", List.of(images.height(), images.width()));
            info.put("checkpoint", loaded.source().toAbsolutePath().toString());
            info.put("data", images.describe());
            Files.writeString(json, JsonWriter.pretty(info));
        } catch (IOException e) {
            throw new UsageException("cannot write " + file + ": " + e.getMessage());
        }
        out.printf("encoded %d images into codes of shape %s -> %s (shape info in %s)%n", images.size(), java.util.Arrays.toString(shape), file, json);
        return 0;
    }
}
