package dev.vq4j.core.io.torch;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/** An immutable Python tuple (elements may be null, Python's None); equal to any list with equal elements. */
public final class PyTuple extends AbstractList<Object> implements RandomAccess {
    public static final PyTuple EMPTY = new PyTuple(new Object[0]);
    private final Object[] items;

    private PyTuple(Object[] items) {
        this.items = items;
    }

    static PyTuple of(List<Object> items) {
        return items.isEmpty() ? EMPTY : new PyTuple(items.toArray());
    }

    static PyTuple of(Object... items) {
        return new PyTuple(items.clone());
    }

    @Override
    public Object get(int index) {
        return items[index];
    }

    @Override
    public int size() {
        return items.length;
    }
}
