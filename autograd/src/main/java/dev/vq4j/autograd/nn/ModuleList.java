package dev.vq4j.autograd.nn;

import java.util.Iterator;
import java.util.List;

/** Holds modules by index, as torch.nn.ModuleList, so their parameters are named "0.weight", "1.weight", ... */
public class ModuleList extends Module implements Iterable<Module> {
    private int size;

    public ModuleList(Module... modules) {
        for (Module m : modules) add(m);
    }

    public ModuleList(List<? extends Module> modules) {
        for (Module m : modules) add(m);
    }

    public ModuleList add(Module m) {
        registerModule(Integer.toString(size), m);
        size++;
        return this;
    }

    public Module get(int index) {
        if (index < 0) index += size;
        if (index < 0 || index >= size) throw new IndexOutOfBoundsException("ModuleList: index " + index + " is out of range for " + size + " modules");
        return children().get(index);
    }

    public int size() {
        return size;
    }

    @Override
    public Iterator<Module> iterator() {
        return children().iterator();
    }
}
