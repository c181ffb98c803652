package dev.vq4j.autograd.nn;

import dev.vq4j.autograd.Tensor;

import java.util.Map;

/** Modules applied in order, as torch.nn.Sequential; children are named "0", "1", ... */
public class Sequential extends Module {
    private int size;

    public Sequential(Module... modules) {
        for (Module m : modules) add(m);
    }

    /** Children named by the map's keys, in its order (PyTorch's Sequential(OrderedDict(...))). */
    public Sequential(Map<String, ? extends Module> named) {
        for (Map.Entry<String, ? extends Module> e : named.entrySet()) registerModule(e.getKey(), e.getValue());
        size = named.size();
    }

    /** Appends a module named by its position; returns this. */
    public Sequential add(Module m) {
        registerModule(Integer.toString(size), m);
        size++;
        return this;
    }

    public Module get(int index) {
        if (index < 0) index += size;
        if (index < 0 || index >= size) throw new IndexOutOfBoundsException("Sequential: index " + index + " is out of range for " + size + " modules");
        return children().get(index);
    }

    public int size() {
        return size;
    }

    @Override
    public Tensor forward(Tensor x) {
        for (Module m : children()) x = m.forward(x);
        return x;
    }
}
