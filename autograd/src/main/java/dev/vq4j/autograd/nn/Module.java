package dev.vq4j.autograd.nn;

import dev.vq4j.autograd.GradMode;
import dev.vq4j.autograd.Tensor;
import dev.vq4j.core.Shapes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A building block of a network, as torch.nn.Module: it owns named parameters (tensors that
 * require gradients), named buffers (state such as batch-norm running statistics) and named child
 * modules, all kept in registration order. Names of nested entries are dotted paths,
 * {@code "encoder.down.0.block.1.norm1.weight"}, so {@link #stateDict()} keys match PyTorch's
 * for the same structure and checkpoints move between the two.
 *
 * <p>Subclasses register their tensors in the constructor with {@link #registerParameter},
 * {@link #registerBuffer} and {@link #registerModule}, keep them in fields, and override
 * {@link #forward(Tensor)} when they take one tensor (modules with several inputs declare their
 * own method instead). Loading a state dict copies values into the registered tensors in place,
 * so those fields stay valid.
 */
public abstract class Module {
    private final Map<String, Tensor> parameters = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Set<String> nonPersistentBuffers = new HashSet<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    // ---- registration ---------------------------------------------------------------------------

    /** Registers a parameter (made to require gradients) under name; returns it. */
    protected Tensor registerParameter(String name, Tensor value) {
        checkName(name);
        if (value == null) throw new IllegalArgumentException(getClass().getSimpleName() + ": parameter '" + name + "' is null; leave it unregistered instead");
        if (!value.isLeaf()) throw new IllegalArgumentException(getClass().getSimpleName() + ": parameter '" + name + "' must be a leaf tensor (use detach())");
        value.requiresGrad(true);
        parameters.put(name, value.keep()); // lives as long as the module, past any step's MemoryScope
        return value;
    }

    /** Registers a persistent buffer (saved in the state dict); returns it. */
    protected Tensor registerBuffer(String name, Tensor value) {
        return registerBuffer(name, value, true);
    }

    /** Registers a buffer; a non-persistent one is left out of {@link #stateDict()}. */
    protected Tensor registerBuffer(String name, Tensor value, boolean persistent) {
        checkName(name);
        if (value == null) throw new IllegalArgumentException(getClass().getSimpleName() + ": buffer '" + name + "' is null");
        buffers.put(name, value.keep()); // lives as long as the module, past any step's MemoryScope
        if (!persistent) nonPersistentBuffers.add(name);
        return value;
    }

    /** Registers a child module under name; returns it. */
    protected <M extends Module> M registerModule(String name, M module) {
        checkName(name);
        if (module == null) throw new IllegalArgumentException(getClass().getSimpleName() + ": module '" + name + "' is null");
        children.put(name, module);
        return module;
    }

    private void checkName(String name) {
        if (name == null || name.isEmpty() || name.contains("."))
            throw new IllegalArgumentException(getClass().getSimpleName() + ": invalid name '" + name + "' (non-empty, without '.')");
        if (parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name))
            throw new IllegalArgumentException(getClass().getSimpleName() + ": attribute '" + name + "' already exists");
    }

    // ---- forward --------------------------------------------------------------------------------

    /** The module applied to one tensor; modules that take other inputs do not override it. */
    public Tensor forward(Tensor x) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not define forward(Tensor)");
    }

    // ---- traversal ------------------------------------------------------------------------------

    /** Direct children in registration order. */
    public Map<String, Module> namedChildren() {
        return Collections.unmodifiableMap(children);
    }

    public List<Module> children() {
        return List.copyOf(children.values());
    }

    /** This module ("") and every descendant, pre-order, each module once. */
    public Map<String, Module> namedModules() {
        Map<String, Module> out = new LinkedHashMap<>();
        Set<Module> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        collectModules("", this, out, seen);
        return out;
    }

    private static void collectModules(String prefix, Module m, Map<String, Module> out, Set<Module> seen) {
        if (!seen.add(m)) return;
        out.put(prefix, m);
        for (Map.Entry<String, Module> c : m.children.entrySet()) collectModules(join(prefix, c.getKey()), c.getValue(), out, seen);
    }

    public List<Module> modules() {
        return List.copyOf(namedModules().values());
    }

    /** Every parameter with its dotted name: a module's own first, then its children's; shared tensors once. */
    public Map<String, Tensor> namedParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Map.Entry<String, Module> m : namedModules().entrySet())
            for (Map.Entry<String, Tensor> p : m.getValue().parameters.entrySet())
                if (seen.add(p.getValue())) out.put(join(m.getKey(), p.getKey()), p.getValue());
        return out;
    }

    public List<Tensor> parameters() {
        return List.copyOf(namedParameters().values());
    }

    /** Every buffer (persistent or not) with its dotted name. */
    public Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Module> m : namedModules().entrySet())
            for (Map.Entry<String, Tensor> b : m.getValue().buffers.entrySet()) out.put(join(m.getKey(), b.getKey()), b.getValue());
        return out;
    }

    public List<Tensor> buffers() {
        return List.copyOf(namedBuffers().values());
    }

    /** Total number of parameter elements. */
    public long numParameters() {
        long n = 0;
        for (Tensor p : parameters()) n += p.numel();
        return n;
    }

    /** Runs fn on every child (recursively) and then on this module, as PyTorch's apply; returns this. */
    public Module apply(Consumer<Module> fn) {
        for (Module c : children.values()) c.apply(fn);
        fn.accept(this);
        return this;
    }

    private static String join(String prefix, String name) {
        return prefix.isEmpty() ? name : prefix + "." + name;
    }

    // ---- state dict -----------------------------------------------------------------------------

    /**
     * Parameters and persistent buffers by dotted name, in PyTorch's order (per module: parameters,
     * buffers, then children). The tensors are detached views sharing the module's memory.
     */
    public LinkedHashMap<String, Tensor> stateDict() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        saveTo(out, "");
        return out;
    }

    private void saveTo(Map<String, Tensor> out, String prefix) {
        for (Map.Entry<String, Tensor> p : parameters.entrySet()) out.put(prefix + p.getKey(), p.getValue().detach());
        for (Map.Entry<String, Tensor> b : buffers.entrySet())
            if (!nonPersistentBuffers.contains(b.getKey())) out.put(prefix + b.getKey(), b.getValue().detach());
        for (Map.Entry<String, Module> c : children.entrySet()) c.getValue().saveTo(out, prefix + c.getKey() + ".");
    }

    /** Keys the state dict lacked and keys it had that the module does not know. */
    public record LoadResult(List<String> missingKeys, List<String> unexpectedKeys) {}

    /** Strict load: every key must match, with the same shape. */
    public LoadResult loadStateDict(Map<String, Tensor> state) {
        return loadStateDict(state, true);
    }

    /**
     * Copies values into this module's parameters and buffers (converting dtype if needed). Shape
     * mismatches are always errors; missing and unexpected keys are errors when strict, else
     * reported in the result. Nothing is copied when there is an error.
     */
    public LoadResult loadStateDict(Map<String, Tensor> state, boolean strict) {
        Map<String, Tensor> own = stateDict();
        List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>(), errors = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            Tensor given = state.get(e.getKey());
            if (given == null) missing.add(e.getKey());
            else if (!Arrays.equals(given.shape(), e.getValue().shape()))
                errors.add("size mismatch for " + e.getKey() + ": copying a param with shape " + given.shapeString()
                        + " from checkpoint, the shape in current model is " + e.getValue().shapeString() + ".");
        }
        for (String k : state.keySet()) if (!own.containsKey(k)) unexpected.add(k);
        if (strict && !unexpected.isEmpty()) errors.addFirst("Unexpected key(s) in state_dict: " + quoted(unexpected) + ".");
        if (strict && !missing.isEmpty()) errors.addFirst("Missing key(s) in state_dict: " + quoted(missing) + ".");
        if (!errors.isEmpty())
            throw new IllegalArgumentException("Error(s) in loading state_dict for " + getClass().getSimpleName() + ":\n\t" + String.join("\n\t", errors));
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            for (Map.Entry<String, Tensor> e : own.entrySet()) {
                Tensor given = state.get(e.getKey());
                if (given != null) e.getValue().copyFrom(given.detach().to(e.getValue().device()).to(e.getValue().dtype()));
            }
        }
        return new LoadResult(List.copyOf(missing), List.copyOf(unexpected));
    }

    private static String quoted(List<String> keys) {
        StringBuilder sb = new StringBuilder();
        for (String k : keys) sb.append(sb.isEmpty() ? "" : ", ").append('"').append(k).append('"');
        return sb.toString();
    }

    // ---- modes and gradients --------------------------------------------------------------------

    /** Sets training mode on this module and every descendant; returns this. */
    public Module train(boolean mode) {
        training = mode;
        for (Module c : children.values()) c.train(mode);
        return this;
    }

    public Module train() {
        return train(true);
    }

    /** Evaluation mode: dropout off, batch norm uses running statistics. */
    public Module eval() {
        return train(false);
    }

    public boolean isTraining() {
        return training;
    }

    /** Drops every parameter's gradient (PyTorch's set_to_none). */
    public void zeroGrad() {
        for (Tensor p : parameters()) p.zeroGrad();
    }

    // ---- printing -------------------------------------------------------------------------------

    /** The text inside the parentheses of this module's one-line repr, as PyTorch's extra_repr. */
    protected String extraRepr() {
        return "";
    }

    /** A tree like PyTorch's repr: {@code Sequential(\n  (0): Linear(in_features=4, out_features=3, bias=True)\n)}. */
    @Override
    public String toString() {
        String name = getClass().getSimpleName();
        String extra = extraRepr();
        if (children.isEmpty()) return name + "(" + extra + ")";
        StringBuilder sb = new StringBuilder(name).append("(");
        if (!extra.isEmpty()) sb.append("\n  ").append(extra.replace("\n", "\n  "));
        for (Map.Entry<String, Module> c : children.entrySet())
            sb.append("\n  (").append(c.getKey()).append("): ").append(c.getValue().toString().replace("\n", "\n  "));
        return sb.append("\n)").toString();
    }

    /** Checks the input's rank for error messages that name the module, e.g. "Conv2d: expected a 4-D input [N, C, H, W], got [3, 8]". */
    protected final void checkRank(Tensor x, int rank, String layout) {
        if (x.dim() != rank)
            throw new IllegalArgumentException(getClass().getSimpleName() + ": expected a " + rank + "-D input " + layout + ", got " + Shapes.str(x.shape()));
    }
}
