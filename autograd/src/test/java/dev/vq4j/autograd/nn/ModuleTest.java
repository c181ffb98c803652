package dev.vq4j.autograd.nn;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.core.DType;
import dev.vq4j.core.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Module bookkeeping: names, state dicts, modes, printing. Needs no op beyond linear. */
class ModuleTest {

    /** Sequential of every layer kind, nested; the same structure as {@link #TORCH_NESTED}. */
    static Sequential nested(long seed) {
        Rng rng = new Rng(seed);
        return new Sequential(
                new Conv2d(3, 8, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, 1, true, rng),
                new GroupNorm(2, 8),
                new BatchNorm2d(8),
                new SiLU(),
                new Sequential(new Linear(4, 4, true, rng), new Linear(4, 2, false, rng)),
                new ConvTranspose2d(8, 4, new int[] {4, 4}, new int[] {2, 2}, new int[] {1, 1}, new int[] {0, 0}, 2, true, new int[] {1, 1}, rng),
                new ModuleList(new LayerNorm(4), new Embedding(10, 4, rng), new Dropout(0.25f, rng)));
    }

    /** The same structure in PyTorch, for the oracle tests. */
    static final String TORCH_NESTED = "torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3, padding=1), torch.nn.GroupNorm(2, 8), torch.nn.BatchNorm2d(8), "
            + "torch.nn.SiLU(), torch.nn.Sequential(torch.nn.Linear(4, 4), torch.nn.Linear(4, 2, bias=False)), "
            + "torch.nn.ConvTranspose2d(8, 4, 4, stride=2, padding=1, groups=2), "
            + "torch.nn.ModuleList([torch.nn.LayerNorm(4), torch.nn.Embedding(10, 4), torch.nn.Dropout(0.25)]))";

    @Test
    void stateDictKeysFollowPyTorchConventions() {
        List<String> expected = List.of(
                "0.weight", "0.bias",
                "1.weight", "1.bias",
                "2.weight", "2.bias", "2.running_mean", "2.running_var", "2.num_batches_tracked",
                "4.0.weight", "4.0.bias", "4.1.weight",
                "5.weight", "5.bias",
                "6.0.weight", "6.0.bias", "6.1.weight");
        assertEquals(expected, new ArrayList<>(nested(1).stateDict().keySet()));
    }

    @Test
    void parametersAreTheStateDictWithoutBuffers() {
        Sequential m = nested(1);
        List<String> names = new ArrayList<>(m.namedParameters().keySet());
        assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias", "2.weight", "2.bias", "4.0.weight", "4.0.bias", "4.1.weight",
                "5.weight", "5.bias", "6.0.weight", "6.0.bias", "6.1.weight"), names);
        assertEquals(List.of("2.running_mean", "2.running_var", "2.num_batches_tracked"), new ArrayList<>(m.namedBuffers().keySet()));
        for (Tensor p : m.parameters()) assertTrue(p.requiresGrad());
        assertEquals(DType.INT64, m.namedBuffers().get("2.num_batches_tracked").dtype());
        assertEquals(0, m.namedBuffers().get("2.num_batches_tracked").dim());
        // conv 8*3*9+8, gn 16, bn 16, linears 20+8, convT 8*2*16+4, ln 8, emb 40
        assertEquals(224 + 16 + 16 + 28 + 260 + 8 + 40, m.numParameters());
    }

    @Test
    void shapesFollowPyTorchLayouts() {
        Map<String, Tensor> s = nested(1).stateDict();
        assertArrayEquals(new int[] {8, 3, 3, 3}, s.get("0.weight").shape());
        assertArrayEquals(new int[] {8, 2, 4, 4}, s.get("5.weight").shape()); // [in, out/groups, kh, kw]
        assertArrayEquals(new int[] {4}, s.get("5.bias").shape());
        assertArrayEquals(new int[] {2, 4}, s.get("4.1.weight").shape());
        assertArrayEquals(new int[] {10, 4}, s.get("6.1.weight").shape());
    }

    @Test
    void sharedModulesAppearOnceInParametersButUnderEveryNameInTheStateDict() {
        Linear shared = new Linear(3, 3, true, new Rng(2));
        Sequential m = new Sequential(shared, new ReLU(), shared);
        assertEquals(List.of("0.weight", "0.bias"), new ArrayList<>(m.namedParameters().keySet()));
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), new ArrayList<>(m.stateDict().keySet()));
        assertEquals(3, m.namedModules().size()); // "", "0", "1"
    }

    @Test
    void stateDictSharesMemoryButNotTheGraph() {
        Linear l = new Linear(2, 3, true, new Rng(3));
        Tensor w = l.stateDict().get("weight");
        assertTrue(w.sharesMemoryWith(l.weight()));
        assertFalse(w.requiresGrad());
    }

    @Test
    void loadStateDictCopiesEverythingIncludingBuffers() {
        Sequential a = nested(1), b = nested(2);
        BatchNorm2d bnA = (BatchNorm2d) a.get(2);
        Init.uniform(bnA.runningMean(), -1, 1, new Rng(9));
        bnA.numBatchesTracked().fillInPlace(7);
        Map<String, Tensor> before = b.stateDict();
        assertFalse(java.util.Arrays.equals(a.stateDict().get("0.weight").toFloatArray(), before.get("0.weight").toFloatArray()));
        Module.LoadResult r = b.loadStateDict(a.stateDict());
        assertEquals(List.of(), r.missingKeys());
        assertEquals(List.of(), r.unexpectedKeys());
        Map<String, Tensor> sa = a.stateDict(), sb = b.stateDict();
        for (String k : sa.keySet()) {
            assertArrayEquals(sa.get(k).toFloatArray(), sb.get(k).toFloatArray(), k);
            assertTrue(sb.get(k).sharesMemoryWith(before.get(k)), k + " must be copied in place");
        }
        assertEquals(7, ((BatchNorm2d) b.get(2)).numBatchesTracked().toLongArray()[0]);
        assertEquals(DType.INT64, ((BatchNorm2d) b.get(2)).numBatchesTracked().dtype());
    }

    @Test
    void strictLoadListsMissingAndUnexpectedKeys() {
        Sequential m = new Sequential(new Linear(4, 3, true, new Rng(1)), new ReLU(), new Linear(3, 2, true, new Rng(2)));
        Map<String, Tensor> state = new LinkedHashMap<>(m.stateDict());
        float[] original = m.stateDict().get("0.weight").toFloatArray();
        state.remove("2.bias");
        state.put("3.weight", Tensor.zeros(2, 2));
        state.put("0.weight", Tensor.zeros(3, 4));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.loadStateDict(state));
        assertEquals("Error(s) in loading state_dict for Sequential:\n\tMissing key(s) in state_dict: \"2.bias\".\n"
                + "\tUnexpected key(s) in state_dict: \"3.weight\".", e.getMessage());
        assertArrayEquals(original, m.stateDict().get("0.weight").toFloatArray(), "nothing is copied on error");

        Module.LoadResult r = m.loadStateDict(state, false);
        assertEquals(List.of("2.bias"), r.missingKeys());
        assertEquals(List.of("3.weight"), r.unexpectedKeys());
        assertArrayEquals(new float[12], m.stateDict().get("0.weight").toFloatArray(), "non-strict load copies what matches");
    }

    @Test
    void shapeMismatchIsAnErrorEvenWhenNotStrict() {
        Sequential m = new Sequential(new Linear(4, 5, true, new Rng(1)));
        Map<String, Tensor> state = new LinkedHashMap<>(m.stateDict());
        state.put("0.weight", Tensor.zeros(3, 4));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.loadStateDict(state, false));
        assertTrue(e.getMessage().contains("size mismatch for 0.weight: copying a param with shape [3, 4] from checkpoint, the shape in current model is [5, 4]."),
                e.getMessage());
    }

    @Test
    void stateDictRoundTripsThroughSafetensors(@TempDir Path dir) throws Exception {
        Sequential a = nested(1), b = nested(2);
        ((BatchNorm2d) a.get(2)).numBatchesTracked().fillInPlace(3);
        Path file = dir.resolve("model.safetensors");
        StateDicts.save(file, a.stateDict());
        Map<String, Tensor> loaded = StateDicts.load(file);
        assertEquals(new ArrayList<>(a.stateDict().keySet()), new ArrayList<>(loaded.keySet()));
        b.loadStateDict(loaded);
        for (Map.Entry<String, Tensor> e : a.stateDict().entrySet())
            assertArrayEquals(e.getValue().toFloatArray(), b.stateDict().get(e.getKey()).toFloatArray(), e.getKey());
        assertEquals(3, ((BatchNorm2d) b.get(2)).numBatchesTracked().toLongArray()[0]);
    }

    @Test
    void trainAndEvalReachEveryDescendant() {
        Sequential m = nested(1);
        for (Module x : m.modules()) assertTrue(x.isTraining());
        assertSame(m, m.eval());
        for (Module x : m.modules()) assertFalse(x.isTraining(), x.getClass().getSimpleName());
        ((Sequential) m.get(4)).train();
        assertTrue(m.get(4).isTraining());
        assertTrue(((Sequential) m.get(4)).get(1).isTraining());
        assertFalse(m.get(2).isTraining());
        m.train(true);
        for (Module x : m.modules()) assertTrue(x.isTraining());
    }

    @Test
    void zeroGradDropsEveryGradient() {
        Sequential m = new Sequential(new Linear(3, 4, true, new Rng(1)), new Tanh(), new Linear(4, 1, true, new Rng(2)));
        m.forward(Tensor.randn(new Rng(5), 6, 3)).sum().backward();
        for (Tensor p : m.parameters()) assertNotNull(p.grad());
        m.zeroGrad();
        for (Tensor p : m.parameters()) assertNull(p.grad());
    }

    @Test
    void applyVisitsChildrenBeforeParents() {
        Sequential m = new Sequential(new Linear(2, 2), new Sequential(new ReLU(), new Identity()));
        List<String> order = new ArrayList<>();
        m.apply(x -> order.add(x.getClass().getSimpleName()));
        assertEquals(List.of("Linear", "ReLU", "Identity", "Sequential", "Sequential"), order);
    }

    @Test
    void sequentialChainsForwardAndIndexes() {
        Linear a = new Linear(3, 5, true, new Rng(1)), b = new Linear(5, 2, true, new Rng(2));
        Sequential m = new Sequential(a, new ReLU(), b);
        Tensor x = Tensor.randn(new Rng(4), 7, 3);
        assertArrayEquals(b.forward(a.forward(x).relu()).toFloatArray(), m.forward(x).toFloatArray());
        assertSame(b, m.get(-1));
        assertEquals(3, m.size());
        assertThrows(IndexOutOfBoundsException.class, () -> m.get(3));
        Map<String, Module> named = new LinkedHashMap<>();
        named.put("proj", new Linear(3, 3));
        named.put("act", new SiLU());
        assertEquals(List.of("proj.weight", "proj.bias"), new ArrayList<>(new Sequential(named).stateDict().keySet()));
    }

    @Test
    void moduleListNamesByIndexAndHasNoForward() {
        ModuleList list = new ModuleList(new Linear(2, 2), new ReLU(), new Linear(2, 1, false));
        assertEquals(List.of("0.weight", "0.bias", "2.weight"), new ArrayList<>(list.stateDict().keySet()));
        int n = 0;
        for (Module ignored : list) n++;
        assertEquals(3, n);
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> list.forward(Tensor.zeros(2)));
        assertEquals("ModuleList does not define forward(Tensor)", e.getMessage());
    }

    @Test
    void nonPersistentBuffersStayOutOfTheStateDict() {
        class WithCache extends Module {
            WithCache() {
                registerParameter("scale", Tensor.ones(2));
                registerBuffer("stats", Tensor.zeros(2));
                registerBuffer("cache", Tensor.zeros(2), false);
            }
        }
        WithCache m = new WithCache();
        assertEquals(List.of("scale", "stats"), new ArrayList<>(m.stateDict().keySet()));
        assertEquals(List.of("stats", "cache"), new ArrayList<>(m.namedBuffers().keySet()));
    }

    @Test
    void registrationRejectsDuplicatesAndDots() {
        class Bad extends Module {
            Bad(String second) {
                registerParameter("w", Tensor.ones(1));
                registerBuffer(second, Tensor.ones(1));
            }
        }
        assertEquals("Bad: attribute 'w' already exists", assertThrows(IllegalArgumentException.class, () -> new Bad("w")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Bad("a.b")).getMessage().contains("invalid name 'a.b'"));
    }

    @Test
    void reprLooksLikePyTorch() {
        Sequential m = new Sequential(new Linear(4, 3), new Sequential(new ReLU(), new Dropout(0.5f)), new BatchNorm2d(3),
                new Conv2d(3, 6, new int[] {3, 1}, new int[] {2, 2}, new int[] {0, 0}, new int[] {1, 1}, 3, false, new Rng(0)));
        assertEquals("""
                Sequential(
                  (0): Linear(in_features=4, out_features=3, bias=True)
                  (1): Sequential(
                    (0): ReLU()
                    (1): Dropout(p=0.5, inplace=False)
                  )
                  (2): BatchNorm2d(3, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)
                  (3): Conv2d(3, 6, kernel_size=(3, 1), stride=(2, 2), groups=3, bias=False)
                )""", m.toString());
    }

    @Test
    void pythonFloatSpelling() {
        assertEquals("1e-05", Repr.pyFloat(1e-5f));
        assertEquals("1e-06", Repr.pyFloat(1e-6));
        assertEquals("0.1", Repr.pyFloat(0.1));
        assertEquals("0.0001", Repr.pyFloat(1e-4));
        assertEquals("1.0", Repr.pyFloat(1f));
        assertEquals("0.01", Repr.pyFloat(0.01f));
        assertEquals("1e+16", Repr.pyFloat(1e16));
        assertEquals("-2.5e-07", Repr.pyFloat(-2.5e-7));
        assertEquals("(8,)", Repr.tuple(8));
    }

    @Test
    void constructorErrorsNameTheModule() {
        assertEquals("Conv2d: in_channels (6) must be divisible by groups (4)",
                assertThrows(IllegalArgumentException.class, () -> new Conv2d(6, 8, new int[] {3, 3}, new int[] {1, 1}, new int[] {0, 0},
                        new int[] {1, 1}, 4, true, new Rng(0))).getMessage());
        assertEquals("GroupNorm: num_channels (10) must be divisible by num_groups (4)",
                assertThrows(IllegalArgumentException.class, () -> new GroupNorm(4, 10)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ConvTranspose2d(2, 2, new int[] {3, 3}, new int[] {2, 2},
                new int[] {0, 0}, new int[] {2, 2}, 1, true, new int[] {1, 1}, new Rng(0))).getMessage().contains("output_padding (2, 2) must be smaller"));
        assertThrows(IllegalArgumentException.class, () -> new Dropout(1.5f));
        assertEquals("BatchNorm2d: expected 4D input (got 2D input [3, 8])",
                assertThrows(IllegalArgumentException.class, () -> new BatchNorm2d(8).forward(Tensor.zeros(3, 8))).getMessage());
    }

    @Test
    void linearForwardIsXWtPlusB() {
        Linear l = new Linear(3, 2, true, new Rng(8));
        Tensor x = Tensor.of(new float[] {1, 2, 3}, 1, 3);
        float[] w = l.weight().toFloatArray(), b = l.bias().toFloatArray(), y = l.forward(x).toFloatArray();
        for (int o = 0; o < 2; o++) assertEquals(w[3 * o] + 2 * w[3 * o + 1] + 3 * w[3 * o + 2] + b[o], y[o], 1e-6);
        assertNull(new Linear(3, 2, false).bias());
        assertEquals(List.of("weight"), new ArrayList<>(new Linear(3, 2, false).stateDict().keySet()));
    }

    @Test
    void embeddingLooksUpRows() {
        Embedding e = new Embedding(5, 3, new Rng(1));
        Tensor out = e.forward(Tensor.ofLongs(new long[] {4, 0, 4, 2}, 2, 2));
        assertArrayEquals(new int[] {2, 2, 3}, out.shape());
        float[] w = e.weight().toFloatArray(), o = out.toFloatArray();
        int[] rows = {4, 0, 4, 2};
        for (int i = 0; i < 4; i++) for (int j = 0; j < 3; j++) assertEquals(w[rows[i] * 3 + j], o[i * 3 + j]);
        out.sum().backward();
        assertArrayEquals(new float[] {1, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 2, 2, 2}, e.weight().grad().toFloatArray());
    }
}
