package dev.vq4j.autograd.optim;

import dev.vq4j.autograd.GradMode;
import dev.vq4j.autograd.Tensor;
import dev.vq4j.core.DType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Updates a list of parameters from their gradients, as torch.optim.Optimizer with one parameter
 * group. {@link #step()} visits every parameter that has a gradient, under no-grad, and updates it in
 * place (so module fields that hold it stay valid); per-parameter state (moments, momentum buffers,
 * a step count) lives here and is saved and restored with {@link #stateDict()} and
 * {@link #loadStateDict}. Hyperparameters are not part of the state dict: construct the optimiser
 * with the same ones before loading (the learning rate usually comes from an {@link LrSchedule}).
 */
public abstract class Optimizer {
    private final List<Tensor> params;
    private final List<ParamState> state;
    private double lr;

    protected Optimizer(Collection<Tensor> params, double lr) {
        if (params.isEmpty()) throw new IllegalArgumentException(name() + ": optimizer got an empty parameter list");
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        int i = 0;
        for (Tensor p : params) {
            if (!p.isLeaf()) throw new IllegalArgumentException(name() + ": can't optimize a non-leaf Tensor (parameter " + i + " " + p.shapeString() + ")");
            if (!p.requiresGrad()) throw new IllegalArgumentException(name() + ": parameter " + i + " " + p.shapeString() + " does not require grad");
            if (!seen.add(p)) throw new IllegalArgumentException(name() + ": some parameters appear more than once (parameter " + i + ")");
            i++;
        }
        this.params = List.copyOf(params);
        this.state = new ArrayList<>();
        for (int k = 0; k < this.params.size(); k++) state.add(new ParamState());
        setLr(lr);
    }

    /** The optimiser's name in messages. */
    protected String name() {
        return getClass().getSimpleName();
    }

    public List<Tensor> params() {
        return params;
    }

    public double lr() {
        return lr;
    }

    public void setLr(double lr) {
        if (!(lr >= 0)) throw new IllegalArgumentException(name() + ": invalid learning rate: " + lr);
        this.lr = lr;
    }

    /** One update of every parameter that has a gradient. */
    public void step() {
        checkOptions();
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            for (int i = 0; i < params.size(); i++) {
                Tensor p = params.get(i);
                if (p.grad() == null) continue;
                ParamState s = state.get(i);
                s.step++;
                Tensor updated = update(p, p.grad(), s);
                if (updated != p) p.copyFrom(updated); // a fused update works on p in place
            }
        }
    }

    /** Called before each step: fails on a combination of options that cannot work. */
    protected void checkOptions() {}

    /**
     * The new value of one parameter (called under no-grad, with the step count already advanced), or
     * p itself when the update was done in place;
     * updates its state tensors through {@link ParamState#put}.
     */
    protected abstract Tensor update(Tensor param, Tensor grad, ParamState state);

    /** The names of the state tensors this optimiser may keep per parameter. */
    protected abstract List<String> stateNames();

    /** Drops every parameter's gradient (set_to_none). */
    public void zeroGrad() {
        for (Tensor p : params) p.zeroGrad();
    }

    /** Per-parameter state: a step count and named tensors shaped like the parameter. */
    public static final class ParamState {
        private long step;
        private final Map<String, Tensor> tensors = new LinkedHashMap<>();

        public long step() {
            return step;
        }

        public Tensor get(String name) {
            return tensors.get(name);
        }

        /**
         * Sets a state tensor. After the first step the new value is copied into the tensor already
         * held (as PyTorch's in-place exp_avg.mul_().add_()), so a step run inside a
         * {@link dev.vq4j.core.MemoryScope} frees its temporaries and device memory stays flat; the
         * first value is kept past the scope.
         */
        public void put(String name, Tensor value) {
            Tensor held = tensors.get(name);
            if (held != null && held != value && java.util.Arrays.equals(held.shape(), value.shape()) && held.dtype() == value.dtype())
                held.copyFrom(value);
            else tensors.put(name, value.keep());
        }
    }

    /** The state of parameter i (for tests and inspection). */
    public ParamState state(int i) {
        return state.get(i);
    }

    // ---- state dict -----------------------------------------------------------------------------

    /**
     * "state.{i}.step" (int64 0-dim) and "state.{i}.{name}" for every parameter i that has been
     * stepped, as PyTorch numbers parameters in its optimiser state dicts. A snapshot: copies, which
     * later steps (updating the state in place) leave alone. Writable with {@link dev.vq4j.autograd.nn.StateDicts#save}.
     */
    public LinkedHashMap<String, Tensor> stateDict() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        for (int i = 0; i < params.size(); i++) {
            ParamState s = state.get(i);
            if (s.step == 0 && s.tensors.isEmpty()) continue;
            out.put("state." + i + ".step", Tensor.ofLongs(new long[] {s.step}));
            for (Map.Entry<String, Tensor> e : s.tensors.entrySet()) out.put("state." + i + "." + e.getKey(), e.getValue().detach().clone());
        }
        return out;
    }

    /**
     * Replaces the state with copies of a {@link #stateDict()}'s tensors. Fails, changing nothing,
     * on an unknown key, a parameter index out of range, a shape that does not match the parameter,
     * or state tensors without a step count.
     */
    public void loadStateDict(Map<String, Tensor> dict) {
        List<String> errors = new ArrayList<>();
        List<ParamState> loaded = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) loaded.add(new ParamState());
        boolean[] hasStep = new boolean[params.size()], hasTensors = new boolean[params.size()];
        for (Map.Entry<String, Tensor> e : dict.entrySet()) {
            String key = e.getKey();
            String[] parts = key.split("\\.", 3);
            int i = parts.length == 3 && parts[0].equals("state") ? parseIndex(parts[1]) : -1;
            if (i < 0 || i >= params.size()) {
                errors.add("unexpected key \"" + key + "\" (expected state.<i>.<name> with i < " + params.size() + ")");
                continue;
            }
            Tensor t = e.getValue();
            if (parts[2].equals("step")) {
                if (t.numel() != 1) errors.add(key + ": a step count must hold one value, got " + t.shapeString());
                else loaded.get(i).step = t.dtype() == DType.FLOAT32 ? (long) t.item() : t.toLongArray()[0];
                hasStep[i] = true;
            } else if (!stateNames().contains(parts[2])) {
                errors.add("unexpected key \"" + key + "\" (" + name() + " keeps " + stateNames() + ")");
            } else if (!Arrays.equals(t.shape(), params.get(i).shape())) {
                errors.add("size mismatch for " + key + ": shape " + t.shapeString() + " in the state dict, parameter " + i
                        + " has shape " + params.get(i).shapeString());
            } else {
                try (GradMode.Scope ignored = GradMode.noGrad()) {
                    loaded.get(i).tensors.put(parts[2], t.detach().to(params.get(i).device()).to(DType.FLOAT32).clone());
                }
                hasTensors[i] = true;
            }
        }
        for (int i = 0; i < params.size(); i++)
            if (hasTensors[i] && !hasStep[i]) errors.add("missing key \"state." + i + ".step\"");
        if (!errors.isEmpty())
            throw new IllegalArgumentException("Error(s) in loading state_dict for " + name() + ":\n\t" + String.join("\n\t", errors));
        for (int i = 0; i < params.size(); i++) state.set(i, loaded.get(i));
    }

    private static int parseIndex(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
