package dev.vq4j.autograd;

/**
 * One recorded op in the graph: the tensors it read and the function that maps the gradient of
 * its output to gradients of those inputs. The closure holds whatever the forward saved; it is
 * dropped after backward unless the graph is retained.
 */
public final class Node {
    /** Maps dL/d(output) to dL/d(input_i) for each input; an entry may be null (no gradient). */
    @FunctionalInterface
    public interface Backward {
        Tensor[] apply(Tensor gradOutput);
    }

    final String name;
    Tensor[] inputs;
    Backward backward;

    Node(String name, Tensor[] inputs, Backward backward) {
        this.name = name;
        this.inputs = inputs;
        this.backward = backward;
    }

    public String name() {
        return name;
    }

    boolean isReleased() {
        return backward == null;
    }

    void release() {
        backward = null;
        inputs = null;
    }

    /** PyTorch's style of name, as printed in a tensor's {@code grad_fn=<...>}: {@code AddBackward0}. */
    @Override
    public String toString() {
        String n = TensorFormatter.gradFnName(name);
        return n == null ? "Backward" : n;
    }
}
