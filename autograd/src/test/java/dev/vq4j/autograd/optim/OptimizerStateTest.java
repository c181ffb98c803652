package dev.vq4j.autograd.optim;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.Linear;
import dev.vq4j.autograd.nn.Module;
import dev.vq4j.autograd.nn.SiLU;
import dev.vq4j.autograd.nn.Sequential;
import dev.vq4j.autograd.nn.StateDicts;
import dev.vq4j.core.DType;
import dev.vq4j.core.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.*;

/** Optimiser state: checkpoint and resume must be bit-identical to never stopping; load errors; step rules. */
class OptimizerStateTest {
    static final int TOTAL = 12, STOP_AT = 5;
    static final LrSchedule SCHEDULE = LrSchedule.warmupCosine(0.05, 3, TOTAL, 0.005);

    static Sequential model(long seed) {
        Rng rng = new Rng(seed);
        return new Sequential(new Linear(4, 8, true, rng), new SiLU(), new Linear(8, 3, true, rng));
    }

    static void trainSteps(Module m, Optimizer opt, int from, int to) {
        Rng data = new Rng(100);
        Tensor x = Tensor.randn(data, 16, 4), y = Tensor.randn(data, 16, 3);
        for (int step = from; step < to; step++) {
            SCHEDULE.apply(opt, step);
            opt.zeroGrad();
            m.forward(x).sub(y).square().mean().backward();
            GradClipping.clipGradNorm(m.parameters(), 1.0);
            opt.step();
        }
    }

    /** Trains TOTAL steps straight, and STOP_AT steps + save + fresh objects + load + the rest; parameters must be bit-identical. */
    private void assertResumeIsBitIdentical(Function<List<Tensor>, Optimizer> make, Path dir) throws Exception {
        Sequential straight = model(1);
        Optimizer straightOpt = make.apply(straight.parameters());
        trainSteps(straight, straightOpt, 0, TOTAL);

        Sequential first = model(1);
        Optimizer opt = make.apply(first.parameters());
        trainSteps(first, opt, 0, STOP_AT);
        StateDicts.save(dir.resolve("model.safetensors"), first.stateDict());
        StateDicts.save(dir.resolve("optim.safetensors"), opt.stateDict());

        Sequential resumed = model(2); // different initial weights: everything must come from the files
        Optimizer opt2 = make.apply(resumed.parameters());
        resumed.loadStateDict(StateDicts.load(dir.resolve("model.safetensors")));
        opt2.loadStateDict(StateDicts.load(dir.resolve("optim.safetensors")));
        trainSteps(resumed, opt2, STOP_AT, TOTAL);

        Map<String, Tensor> a = straight.stateDict(), b = resumed.stateDict();
        for (String k : a.keySet()) assertArrayEquals(a.get(k).toFloatArray(), b.get(k).toFloatArray(), k + " differs after resuming");
        Map<String, Tensor> oa = straightOpt.stateDict(), ob = opt2.stateDict();
        assertEquals(new ArrayList<>(oa.keySet()), new ArrayList<>(ob.keySet()));
        for (String k : oa.keySet()) assertArrayEquals(oa.get(k).toFloatArray(), ob.get(k).toFloatArray(), k + " differs after resuming");
    }

    @Test
    void sgdResumesBitIdentically(@TempDir Path dir) throws Exception {
        assertResumeIsBitIdentical(p -> new SGD(p, 0.1).momentum(0.9).nesterov(true).weightDecay(1e-3), dir);
    }

    @Test
    void adamResumesBitIdentically(@TempDir Path dir) throws Exception {
        assertResumeIsBitIdentical(p -> new Adam(p, 0.01).amsgrad(true).weightDecay(1e-2), dir);
    }

    @Test
    void adamWResumesBitIdentically(@TempDir Path dir) throws Exception {
        assertResumeIsBitIdentical(p -> new AdamW(p, 0.01), dir);
    }

    @Test
    void resumingWithoutTheOptimizerStateIsNotIdentical(@TempDir Path dir) throws Exception {
        // the round-trip tests above can fail: dropping the moments changes the result
        Sequential straight = model(1);
        trainSteps(straight, new Adam(straight.parameters(), 0.01), 0, TOTAL);
        Sequential first = model(1);
        trainSteps(first, new Adam(first.parameters(), 0.01), 0, STOP_AT);
        Sequential resumed = model(2);
        resumed.loadStateDict(first.stateDict());
        trainSteps(resumed, new Adam(resumed.parameters(), 0.01), STOP_AT, TOTAL);
        assertFalse(java.util.Arrays.equals(straight.stateDict().get("0.weight").toFloatArray(), resumed.stateDict().get("0.weight").toFloatArray()));
    }

    @Test
    void stateDictNamesFollowParameterIndices() {
        Tensor a = Tensor.ones(2).requiresGrad(true), b = Tensor.ones(3).requiresGrad(true), c = Tensor.ones(1).requiresGrad(true);
        Adam adam = new Adam(List.of(a, b, c), 0.1).amsgrad(true);
        a.sum().add(c.sum()).backward(); // b gets no gradient: it is skipped and has no state
        adam.step();
        adam.step();
        Map<String, Tensor> s = adam.stateDict();
        assertEquals(List.of("state.0.step", "state.0.exp_avg", "state.0.exp_avg_sq", "state.0.max_exp_avg_sq",
                "state.2.step", "state.2.exp_avg", "state.2.exp_avg_sq", "state.2.max_exp_avg_sq"), new ArrayList<>(s.keySet()));
        assertEquals(DType.INT64, s.get("state.0.step").dtype());
        assertEquals(2, s.get("state.0.step").toLongArray()[0]);
        assertArrayEquals(new float[] {1, 1, 1}, b.toFloatArray());
        assertEquals(List.of("state.0.step", "state.0.momentum_buffer"), new ArrayList<>(momentumSgd().stateDict().keySet()));
    }

    private static SGD momentumSgd() {
        Tensor p = Tensor.ones(2).requiresGrad(true);
        SGD sgd = new SGD(List.of(p), 0.1).momentum(0.9);
        p.sum().backward();
        sgd.step();
        return sgd;
    }

    @Test
    void loadRejectsBadStateAndChangesNothing() {
        Tensor p = Tensor.ones(2, 3).requiresGrad(true);
        Adam adam = new Adam(List.of(p), 0.1);
        p.sum().backward();
        adam.step();
        Map<String, Tensor> good = adam.stateDict();
        float[] before = adam.state(0).get("exp_avg").toFloatArray();

        Map<String, Tensor> bad = new LinkedHashMap<>(good);
        bad.put("state.0.exp_avg", Tensor.zeros(3, 2));
        bad.put("state.1.exp_avg", Tensor.zeros(2, 3));
        bad.put("state.0.momentum_buffer", Tensor.zeros(2, 3));
        bad.put("param_groups", Tensor.zeros(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> adam.loadStateDict(bad));
        String msg = e.getMessage();
        assertTrue(msg.startsWith("Error(s) in loading state_dict for Adam:"), msg);
        assertTrue(msg.contains("size mismatch for state.0.exp_avg: shape [3, 2] in the state dict, parameter 0 has shape [2, 3]"), msg);
        assertTrue(msg.contains("unexpected key \"state.1.exp_avg\""), msg);
        assertTrue(msg.contains("unexpected key \"state.0.momentum_buffer\" (Adam keeps [exp_avg, exp_avg_sq, max_exp_avg_sq])"), msg);
        assertTrue(msg.contains("unexpected key \"param_groups\""), msg);
        assertArrayEquals(before, adam.state(0).get("exp_avg").toFloatArray());

        Map<String, Tensor> noStep = new LinkedHashMap<>(good);
        noStep.remove("state.0.step");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> adam.loadStateDict(noStep)).getMessage().contains("missing key \"state.0.step\""));
    }

    @Test
    void loadedStateIsACopy() {
        Tensor p = Tensor.ones(2).requiresGrad(true);
        SGD sgd = momentumSgd();
        SGD other = new SGD(List.of(p), 0.1).momentum(0.9);
        Map<String, Tensor> s = sgd.stateDict();
        other.loadStateDict(s);
        assertFalse(other.state(0).get("momentum_buffer").sharesMemoryWith(s.get("state.0.momentum_buffer")));
        assertEquals(1, other.state(0).step());
    }

    @Test
    void constructorAndOptionChecks() {
        Tensor p = Tensor.ones(2).requiresGrad(true);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(p, p), 0.1)).getMessage().contains("more than once"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(Tensor.ones(2)), 0.1)).getMessage().contains("does not require grad"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(p.mul(2)), 0.1)).getMessage().contains("non-leaf"));
        assertThrows(IllegalArgumentException.class, () -> new Adam(List.of(p), -1));
        assertThrows(IllegalArgumentException.class, () -> new Adam(List.of(p), 0.1).betas(1.0, 0.9));
        SGD nesterovWithoutMomentum = new SGD(List.of(p), 0.1).nesterov(true);
        p.sum().backward();
        assertThrows(IllegalStateException.class, nesterovWithoutMomentum::step);
        assertArrayEquals(new float[] {1, 1}, p.toFloatArray());
    }

    @Test
    void stepUpdatesInPlaceSoModuleFieldsStayValid() {
        Linear l = new Linear(3, 2, true, new Rng(1));
        Tensor w = l.weight();
        float[] before = w.toFloatArray();
        SGD sgd = new SGD(l.parameters(), 0.5);
        l.forward(Tensor.ones(1, 3)).sum().backward();
        sgd.step();
        assertSame(w, l.weight());
        float[] after = w.toFloatArray();
        for (int i = 0; i < 6; i++) assertEquals(before[i] - 0.5f, after[i], 1e-6f); // d(sum)/dw = x = 1
        assertTrue(w.isLeaf());
        assertTrue(w.requiresGrad());
    }
}
