package dev.vq4j.autograd.nn;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.core.io.SafeTensors;
import dev.vq4j.core.io.TensorData;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Saving and loading state dicts (of modules or optimisers) as safetensors files, the format
 * PyTorch checkpoints are usually converted to.
 */
public final class StateDicts {
    private StateDicts() {}

    /** Host copies of the tensors, in the map's order. */
    public static LinkedHashMap<String, TensorData> toData(Map<String, Tensor> state) {
        LinkedHashMap<String, TensorData> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : state.entrySet()) out.put(e.getKey(), e.getValue().toData());
        return out;
    }

    /** Tensors on the default device holding copies of the data. */
    public static LinkedHashMap<String, Tensor> fromData(Map<String, TensorData> data) {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, TensorData> e : data.entrySet()) out.put(e.getKey(), Tensor.fromData(e.getValue()));
        return out;
    }

    /** Writes atomically (see {@link SafeTensors#write}). */
    public static void save(Path path, Map<String, Tensor> state) throws IOException {
        SafeTensors.write(path, toData(state));
    }

    public static void save(Path path, Map<String, Tensor> state, Map<String, String> metadata) throws IOException {
        SafeTensors.write(path, toData(state), metadata);
    }

    public static LinkedHashMap<String, Tensor> load(Path path) throws IOException {
        return fromData(SafeTensors.read(path));
    }
}
