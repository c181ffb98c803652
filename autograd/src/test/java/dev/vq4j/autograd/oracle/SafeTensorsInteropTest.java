package dev.vq4j.autograd.oracle;

import dev.vq4j.core.DType;
import dev.vq4j.core.io.SafeTensors;
import dev.vq4j.core.io.TensorData;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Files written by Python (numpy/torch, every dtype the reader accepts) are read by Java, and files
 * written by Java are read back by Python. Skipped without PyTorch, failed under CI.
 */
class SafeTensorsInteropTest {
    @TempDir
    Path dir;

    /** Writes the safetensors layout by hand from numpy/torch, independently of the Java writer. */
    private static final String WRITE = """
            import json, struct, sys
            import numpy as np, torch
            t = {
                "f32": np.array([[1.5, -2.0, 3.25]], dtype=np.float32),
                "f16": np.array([1.0, -0.5, 65504.0, 6e-8], dtype=np.float16),
                "bf16": torch.tensor([1.0, -2.5, 3.14159, 1e30], dtype=torch.bfloat16).view(torch.int16).numpy(),
                "f64": np.array([[1e-3], [-7.25]], dtype=np.float64),
                "i64": np.array([-(2**62), 5], dtype=np.int64),
                "i32": np.array([-7, 2**31 - 1], dtype=np.int32),
                "u8": np.array([0, 200, 255], dtype=np.uint8),
                "bool": np.array([True, False, True]),
                "scalar": np.array(4.5, dtype=np.float32),
            }
            names = {"f32": "F32", "f16": "F16", "bf16": "BF16", "f64": "F64", "i64": "I64", "i32": "I32", "u8": "U8", "bool": "BOOL", "scalar": "F32"}
            header, blobs, off = {"__metadata__": {"format": "pt", "by": "python"}}, [], 0
            for k, a in t.items():
                raw = np.ascontiguousarray(a).tobytes()
                header[k] = {"dtype": names[k], "shape": list(a.shape), "data_offsets": [off, off + len(raw)]}
                blobs.append(raw); off += len(raw)
            h = json.dumps(header).encode()
            with open(sys.argv[1], "wb") as f:
                f.write(struct.pack("<Q", len(h))); f.write(h); f.write(b"".join(blobs))
            """;

    /** Reads a Java-written file by hand and prints what it found as JSON. */
    private static final String READ = """
            import json, struct, sys
            import numpy as np
            data = open(sys.argv[1], "rb").read()
            (n,) = struct.unpack("<Q", data[:8])
            header = json.loads(data[8:8 + n])
            kinds = {"F32": np.float32, "I64": np.int64, "I32": np.int32, "BOOL": np.bool_}
            out = {"meta": header.pop("__metadata__", {})}
            for k, v in header.items():
                b, e = v["data_offsets"]
                a = np.frombuffer(data[8 + n + b:8 + n + e], dtype=kinds[v["dtype"]]).reshape(v["shape"])
                out[k] = {"shape": list(a.shape), "values": a.ravel().tolist()}
            print(json.dumps(out))
            """;

    private static String python(String script, Path file) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(TorchOracle.python(), "-c", script, file.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            unavailable(e.getMessage());
            throw e;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) p.destroyForcibly();
        if (p.exitValue() != 0) {
            if (out.contains("ModuleNotFoundError")) unavailable(out);
            fail("python failed: " + out);
        }
        return out;
    }

    private static void unavailable(String why) {
        String message = "python with numpy and torch unavailable: " + why;
        if (TorchOracle.required()) Assertions.fail(message);
        Assumptions.abort(message);
    }

    @Test
    void pythonWrittenFileIsReadByJava() throws Exception {
        Path f = dir.resolve("py.safetensors");
        python(WRITE, f);
        SafeTensors.Contents c = SafeTensors.readWithMetadata(f);
        Map<String, TensorData> t = c.tensors();
        assertEquals(Map.of("format", "pt", "by", "python"), c.metadata());
        assertArrayEquals(new int[] {1, 3}, t.get("f32").shape());
        assertArrayEquals(new float[] {1.5f, -2f, 3.25f}, t.get("f32").floats(), 0f);
        assertArrayEquals(new float[] {1f, -0.5f, 65504f, Float.float16ToFloat(Float.floatToFloat16(6e-8f))}, t.get("f16").floats(), 0f);
        // bfloat16 keeps 8 mantissa bits: 3.14159 -> 3.140625, 1e30 -> 1.0000000150474662e30
        assertArrayEquals(new float[] {1f, -2.5f, 3.140625f, Float.intBitsToFloat(Float.floatToIntBits(1e30f) + 0x8000 & 0xffff0000)},
                t.get("bf16").floats(), 0f);
        assertArrayEquals(new int[] {2, 1}, t.get("f64").shape());
        assertArrayEquals(new float[] {1e-3f, -7.25f}, t.get("f64").floats(), 0f);
        assertArrayEquals(new long[] {-(1L << 62), 5}, t.get("i64").longs());
        assertEquals(DType.INT32, t.get("i32").dtype());
        assertArrayEquals(new int[] {-7, Integer.MAX_VALUE}, (int[]) t.get("i32").data());
        assertArrayEquals(new int[] {0, 200, 255}, (int[]) t.get("u8").data());
        assertArrayEquals(new boolean[] {true, false, true}, (boolean[]) t.get("bool").data());
        assertArrayEquals(new int[0], t.get("scalar").shape());
        assertArrayEquals(new float[] {4.5f}, t.get("scalar").floats(), 0f);
    }

    @Test
    void javaWrittenFileIsReadByPython() throws Exception {
        Path f = dir.resolve("java.safetensors");
        Map<String, TensorData> t = new LinkedHashMap<>();
        t.put("w", TensorData.of(new float[] {0.25f, -1f, 8f, 3f, 2f, 1f}, 2, 3));
        t.put("idx", new TensorData(DType.INT64, new int[] {2}, new long[] {Long.MAX_VALUE, -3}));
        t.put("n", new TensorData(DType.INT32, new int[0], new int[] {42}));
        t.put("m", new TensorData(DType.BOOL, new int[] {1, 2}, new boolean[] {false, true}));
        SafeTensors.write(f, t, Map.of("epoch", "3"));
        Map<?, ?> r = (Map<?, ?>) dev.vq4j.core.io.Json.parse(python(READ, f).strip());
        assertEquals(Map.of("epoch", "3"), r.get("meta"));
        assertEquals("{shape=[2, 3], values=[0.25, -1.0, 8.0, 3.0, 2.0, 1.0]}", String.valueOf(r.get("w")));
        assertEquals("{shape=[2], values=[" + Long.MAX_VALUE + ", -3]}", String.valueOf(r.get("idx")));
        assertEquals("{shape=[], values=[42]}", String.valueOf(r.get("n")));
        assertEquals("{shape=[1, 2], values=[false, true]}", String.valueOf(r.get("m")));
    }
}
