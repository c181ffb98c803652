package dev.vq4j.core.io.torch;

import dev.vq4j.core.DType;
import dev.vq4j.core.io.TensorData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.*;

/** Checkpoints written by torch.save (1.13) in one Python run, read back and compared value by value. */
class TorchCheckpointTest {
    @TempDir
    static Path dir;
    static Path marker;

    static final String SCRIPT = """
            import collections, os, sys, torch
            out = sys.argv[1]
            a = torch.arange(24, dtype=torch.float32).reshape(4, 6) * 0.5 - 3
            sd = collections.OrderedDict()
            sd['f32'] = a
            sd['transposed'] = a.t()                     # non-contiguous, shares a's storage
            sd['view'] = a.view(-1)[5:11].view(2, 3)     # storage offset 5, shares a's storage
            sd['strided'] = torch.arange(10.)[1::3]      # stride 3, offset 1
            sd['f16'] = torch.tensor([1.5, -2.25, 65504., 2.0 ** -14], dtype=torch.float16)
            sd['bf16'] = torch.tensor([1.5, -2.25, 2.0 ** 100, 0.0078125], dtype=torch.bfloat16)
            sd['f64'] = torch.tensor([[1 / 3, -2.5e-10]], dtype=torch.float64)
            sd['i64'] = torch.tensor([-(2 ** 40), 7, 2 ** 62])
            sd['i32'] = torch.tensor([-5, 2 ** 31 - 1], dtype=torch.int32)
            sd['u8'] = torch.tensor([0, 255, 7], dtype=torch.uint8)
            sd['bool'] = torch.tensor([True, False, True])
            sd['scalar'] = torch.tensor(4.25)
            sd['param'] = torch.nn.Parameter(torch.full((2, 2), 0.75))
            sd['empty'] = torch.zeros(0, 3)
            torch.save(sd, os.path.join(out, 'plain.pt'))
            torch.save(sd, os.path.join(out, 'legacy.pt'), _use_new_zipfile_serialization=False)

            class MyCallback:
                def __init__(self):
                    self.best_model_score = 0.5
                    self.monitor = 'val/rec_loss'
            class AttributeDict(dict):
                pass
            hp = AttributeDict(embed_dim=4, n_embed=16, lr=4.5e-06)
            model = collections.OrderedDict(w=torch.ones(2, 3) * 2, b=torch.tensor([0.25, -1.0]))
            ck = {'epoch': 3, 'global_step': 5, 'pytorch-lightning_version': '1.0.8', 'state_dict': model,
                  'optimizer_states': [{'state': {}, 'param_groups': [{'lr': 0.001, 'betas': (0.5, 0.9), 'params': [0, 1]}]}],
                  'callbacks': {MyCallback: MyCallback()}, 'hyper_parameters': hp, 'big': 2 ** 70, 'raw': b'\\x00\\x01\\xff', 'none': None}
            torch.save(ck, os.path.join(out, 'lightning.ckpt'))

            class Evil:
                def __reduce__(self):
                    return (os.system, ('touch ' + os.path.join(out, sys.argv[2]),))
            torch.save({'state_dict': {'w': torch.ones(1)}, 'evil': Evil()}, os.path.join(out, 'evil.pt'))
            """;

    @BeforeAll
    static void writeFixtures() throws IOException {
        String name = "pwned-" + UUID.randomUUID();
        marker = dir.resolve(name);
        TorchPython.run(SCRIPT.replace("sys.argv[2]", "'" + name + "'"), dir);
        assertFalse(Files.exists(marker), "saving must not run the payload");
    }

    static float[] f32(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = i * 0.5f - 3;
        return a;
    }

    @Test
    void plainStateDictEveryDtypeExactly() throws IOException {
        Map<String, TensorData> sd = TorchCheckpoint.readStateDict(dir.resolve("plain.pt"));
        assertEquals(List.of("f32", "transposed", "view", "strided", "f16", "bf16", "f64", "i64", "i32", "u8", "bool", "scalar", "param", "empty"),
                List.copyOf(sd.keySet()));
        float[] a = f32(24);
        assertArrayEquals(new int[] {4, 6}, sd.get("f32").shape());
        assertArrayEquals(a, sd.get("f32").floats());
        float[] t = new float[24];
        for (int i = 0; i < 6; i++) for (int j = 0; j < 4; j++) t[i * 4 + j] = a[j * 6 + i];
        assertArrayEquals(new int[] {6, 4}, sd.get("transposed").shape());
        assertArrayEquals(t, sd.get("transposed").floats());
        assertArrayEquals(new int[] {2, 3}, sd.get("view").shape());
        assertArrayEquals(new float[] {a[5], a[6], a[7], a[8], a[9], a[10]}, sd.get("view").floats());
        assertArrayEquals(new float[] {1, 4, 7}, sd.get("strided").floats());
        assertArrayEquals(new float[] {1.5f, -2.25f, 65504f, (float) Math.pow(2, -14)}, sd.get("f16").floats());
        assertArrayEquals(new float[] {1.5f, -2.25f, (float) Math.pow(2, 100), 0.0078125f}, sd.get("bf16").floats());
        assertArrayEquals(new float[] {(float) (1.0 / 3), (float) -2.5e-10}, sd.get("f64").floats());
        assertArrayEquals(new int[] {1, 2}, sd.get("f64").shape());
        assertEquals(DType.INT64, sd.get("i64").dtype());
        assertArrayEquals(new long[] {-(1L << 40), 7, 1L << 62}, sd.get("i64").longs());
        assertArrayEquals(new int[] {-5, Integer.MAX_VALUE}, (int[]) sd.get("i32").data());
        assertEquals(DType.INT32, sd.get("u8").dtype());
        assertArrayEquals(new int[] {0, 255, 7}, (int[]) sd.get("u8").data());
        assertArrayEquals(new boolean[] {true, false, true}, (boolean[]) sd.get("bool").data());
        assertArrayEquals(new int[0], sd.get("scalar").shape());
        assertArrayEquals(new float[] {4.25f}, sd.get("scalar").floats());
        assertArrayEquals(new float[] {0.75f, 0.75f, 0.75f, 0.75f}, sd.get("param").floats());
        assertArrayEquals(new int[] {0, 3}, sd.get("empty").shape());
        // tensors sharing a storage come back as independent copies
        assertNotSame(sd.get("f32").data(), sd.get("transposed").data());
    }

    @Test
    void lightningCheckpointKeepsPlaceholdersAndScalars() throws IOException {
        Path ckpt = dir.resolve("lightning.ckpt");
        Map<String, TensorData> sd = TorchCheckpoint.readStateDict(ckpt);
        assertEquals(List.of("w", "b"), List.copyOf(sd.keySet()));
        assertArrayEquals(new float[] {2, 2, 2, 2, 2, 2}, sd.get("w").floats());
        assertArrayEquals(new float[] {0.25f, -1f}, sd.get("b").floats());

        Map<?, ?> top = (Map<?, ?>) TorchCheckpoint.read(ckpt);
        assertEquals(5L, top.get("global_step"));
        assertEquals(3L, top.get("epoch"));
        assertEquals("1.0.8", top.get("pytorch-lightning_version"));
        assertEquals(BigInteger.TWO.pow(70), top.get("big"));
        assertArrayEquals(new byte[] {0, 1, (byte) 0xff}, (byte[]) top.get("raw"));
        assertTrue(top.containsKey("none"));
        assertNull(top.get("none"));
        Map<?, ?> group = (Map<?, ?>) ((List<?>) ((Map<?, ?>) ((List<?>) top.get("optimizer_states")).getFirst()).get("param_groups")).getFirst();
        assertEquals(0.001, group.get("lr"));
        assertEquals(List.of(0.5, 0.9), group.get("betas"));
        assertInstanceOf(PyTuple.class, group.get("betas"));

        Map<?, ?> callbacks = (Map<?, ?>) top.get("callbacks");
        Map.Entry<?, ?> cb = callbacks.entrySet().iterator().next();
        assertEquals(new PyGlobal("__main__", "MyCallback"), cb.getKey());
        PythonObject instance = (PythonObject) cb.getValue();
        assertEquals(new PyGlobal("__main__", "MyCallback"), instance.type());
        assertEquals(0.5, instance.attributes().get("best_model_score"));
        assertEquals("val/rec_loss", instance.attributes().get("monitor"));

        PythonObject hp = (PythonObject) top.get("hyper_parameters");
        assertEquals("AttributeDict", hp.type().name());
        assertEquals(Map.of("embed_dim", 4L, "n_embed", 16L, "lr", 4.5e-06), hp.items());
    }

    @Test
    void maliciousReduceIsNotExecuted() throws IOException {
        Path evil = dir.resolve("evil.pt");
        Map<?, ?> top = (Map<?, ?>) TorchCheckpoint.read(evil);
        PythonObject payload = (PythonObject) top.get("evil");
        assertEquals("system", payload.type().name());
        assertEquals(List.of("touch " + marker), payload.args());
        assertEquals(List.of("w"), List.copyOf(TorchCheckpoint.readStateDict(evil).keySet()));
        assertFalse(Files.exists(marker), "loading ran os.system");
    }

    @Test
    void legacyFormatIsRefusedClearly() {
        TorchFormatException e = assertThrows(TorchFormatException.class, () -> TorchCheckpoint.read(dir.resolve("legacy.pt")));
        assertTrue(e.getMessage().contains("legacy (pre-1.6) torch file format is not supported"), e.getMessage());
        assertTrue(e.getMessage().contains("_use_new_zipfile_serialization=True"), e.getMessage());
    }
}
