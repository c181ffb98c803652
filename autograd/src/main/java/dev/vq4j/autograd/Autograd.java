package dev.vq4j.autograd;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reverse-mode differentiation. {@link #record} attaches a {@link Node} to an op's output while
 * grad mode is on; {@link #backward} walks the graph from one output in reverse topological order,
 * summing the gradients that reach each tensor and depositing the totals into leaves' {@code .grad}.
 */
public final class Autograd {
    private Autograd() {}

    /**
     * Records that {@code out} was computed from {@code inputs}. Does nothing when grad mode is off
     * or no input requires a gradient.
     */
    public static Tensor record(String opName, Tensor out, Tensor[] inputs, Node.Backward backward) {
        if (!GradMode.isEnabled()) return out;
        boolean any = false;
        for (Tensor t : inputs) if (t != null && t.requiresGrad()) { any = true; break; }
        if (!any) return out;
        out.attachGradFn(new Node(opName, inputs.clone(), backward));
        return out;
    }

    /** {@code tensor.backward(gradient)}: accumulates into the {@code .grad} of every leaf that requires it. */
    public static void backward(Tensor root, Tensor gradRoot, boolean retainGraph) {
        Map<Tensor, Tensor> grads = run(List.of(root), java.util.Collections.singletonList(gradRoot), null, retainGraph);
        // Backward closures may pass a gradient through unchanged (add, views, clone), so two leaves,
        // or a leaf and the caller's gradRoot, can receive the same buffer. A .grad must own its memory:
        // an in-place update of one (clipping, weight decay) must not change another. Copy when shared.
        Set<dev.vq4j.core.Buffer> used = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        if (gradRoot != null) used.add(gradRoot.buffer());
        for (Map.Entry<Tensor, Tensor> e : grads.entrySet()) {
            Tensor leaf = e.getKey(), g = e.getValue();
            if (leaf.grad() == null && !used.add(g.buffer())) {
                try (GradMode.Scope ignored = GradMode.noGrad()) {
                    g = g.clone();
                }
            }
            leaf.accumulateGrad(g);
        }
    }

    /**
     * Gradients of {@code outputs} (weighted by {@code gradOutputs}) with respect to {@code inputs},
     * returned in order, without touching any {@code .grad}. An input the outputs do not depend on
     * gets a zero tensor when {@code allowUnused}, else an error.
     */
    public static List<Tensor> grad(List<Tensor> outputs, List<Tensor> gradOutputs, List<Tensor> inputs,
                                    boolean retainGraph, boolean allowUnused) {
        Set<Tensor> wanted = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (Tensor t : inputs) {
            if (!t.requiresGrad()) throw new IllegalArgumentException("grad: one of the inputs does not require grad");
            wanted.add(t);
        }
        Map<Tensor, Tensor> grads = run(outputs, gradOutputs, wanted, retainGraph);
        List<Tensor> result = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            Tensor g = grads.get(inputs.get(i));
            if (g == null) {
                if (!allowUnused) throw new IllegalArgumentException("grad: input " + i + " " + inputs.get(i).shapeString()
                        + " was not used to compute the outputs (pass allowUnused=true to get zeros)");
                g = Tensor.zeros(inputs.get(i).device(), inputs.get(i).shape());
            }
            result.add(g);
        }
        return result;
    }

    /**
     * The engine. With {@code wanted == null} it collects gradients of leaves requiring grad; else
     * of the wanted tensors (leaves or not), stopping there.
     */
    private static Map<Tensor, Tensor> run(List<Tensor> outputs, List<Tensor> gradOutputs, Set<Tensor> wanted, boolean retain) {
        List<Tensor> order = topologicalOrder(outputs);
        Map<Tensor, Tensor> pending = new IdentityHashMap<>();
        for (int i = 0; i < outputs.size(); i++) {
            Tensor out = outputs.get(i);
            if (!out.requiresGrad())
                throw new IllegalStateException("element " + i + " of tensors does not require grad and does not have a grad_fn");
            Tensor g = gradOutputs.get(i);
            if (g == null) {
                if (out.numel() != 1) throw new IllegalArgumentException("grad can be implicitly created only for scalar outputs, got "
                        + out.shapeString() + "; pass a gradient of the same shape");
                g = Tensor.onesLike(out);
            } else if (!java.util.Arrays.equals(g.shape(), out.shape())) {
                throw new IllegalArgumentException("backward: gradient shape " + g.shapeString() + " does not match output shape " + out.shapeString());
            }
            pending.merge(out, g.detach(), Tensor::addNoGrad);
        }
        Map<Tensor, Tensor> result = new IdentityHashMap<>();
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            for (Tensor t : order) { // outputs first, leaves last
                Tensor g = pending.remove(t);
                if (g == null) continue;
                if (wanted != null ? wanted.contains(t) : t.isLeaf()) result.merge(t, g, Tensor::addNoGrad);
                Node node = t.gradFn();
                if (node == null) continue;
                if (node.isReleased())
                    throw new IllegalStateException("Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). "
                            + "Specify retainGraph=true if you need to backward a second time; op: " + node);
                Tensor[] inputGrads = node.backward.apply(g);
                Tensor[] inputs = node.inputs;
                if (!retain) node.release();
                for (int i = 0; i < inputs.length; i++) {
                    Tensor in = inputs[i];
                    Tensor ig = i < inputGrads.length ? inputGrads[i] : null;
                    if (in == null || ig == null || !in.requiresGrad()) continue;
                    if (!java.util.Arrays.equals(ig.shape(), in.shape()))
                        throw new IllegalStateException("autograd: " + node + " returned a gradient of shape " + ig.shapeString()
                                + " for input " + i + " of shape " + in.shapeString());
                    pending.merge(in, ig, Tensor::addNoGrad);
                }
            }
        }
        return result;
    }

    /** Tensors reachable from the outputs, each after every tensor that depends on it (iterative DFS). */
    private static List<Tensor> topologicalOrder(List<Tensor> outputs) {
        List<Tensor> postOrder = new ArrayList<>();
        Set<Tensor> visited = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Object[]> stack = new ArrayDeque<>(); // {tensor, next input index}
        for (Tensor root : outputs) {
            if (!visited.add(root)) continue;
            stack.push(new Object[] {root, 0});
            while (!stack.isEmpty()) {
                Object[] frame = stack.peek();
                Tensor t = (Tensor) frame[0];
                int next = (Integer) frame[1];
                Node node = t.gradFn();
                Tensor[] inputs = node == null || node.inputs == null ? new Tensor[0] : node.inputs;
                if (next < inputs.length) {
                    frame[1] = next + 1;
                    Tensor in = inputs[next];
                    if (in != null && in.requiresGrad() && visited.add(in)) stack.push(new Object[] {in, 0});
                } else {
                    stack.pop();
                    postOrder.add(t);
                }
            }
        }
        java.util.Collections.reverse(postOrder);
        return postOrder;
    }

    /** Names of the ops on the path from a tensor back to its leaves, for debugging and tests. */
    public static Set<String> opNames(Tensor t) {
        Set<String> names = new HashSet<>();
        for (Tensor x : topologicalOrder(List.of(t))) if (x.gradFn() != null) names.add(x.gradFn().name());
        return names;
    }
}
