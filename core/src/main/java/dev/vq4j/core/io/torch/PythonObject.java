package dev.vq4j.core.io.torch;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An inert placeholder for an object the pickle would have built by calling unknown code (REDUCE, NEWOBJ,
 * INST, OBJ). Nothing runs: the placeholder only records what the pickle asked for, so the data inside a
 * Lightning callback or hyper-parameter object can still be inspected.
 *
 * <p>{@code callee} is the {@link PyGlobal} (or another placeholder) that would have been called,
 * {@code args} its arguments; {@code states} holds the BUILD arguments (usually one {@code __dict__}),
 * {@code items} and {@code listItems} what SETITEM(S)/APPEND(S) added (dict and list subclasses).
 * Equality is identity, as for Python objects.
 */
public final class PythonObject {
    private final Object callee;
    private final String opcode;
    private final List<Object> args;
    final List<Object> states = new ArrayList<>();
    final Map<Object, Object> items = new LinkedHashMap<>();
    final List<Object> listItems = new ArrayList<>();

    PythonObject(Object callee, String opcode, List<Object> args) {
        this.callee = callee;
        this.opcode = opcode;
        this.args = args;
    }

    /** The global that would have been called, or null when the callee was itself a placeholder. */
    public PyGlobal type() {
        return callee instanceof PyGlobal g ? g : null;
    }

    public Object callee() {
        return callee;
    }

    /** The opcode that asked for the call: REDUCE, NEWOBJ, NEWOBJ_EX, INST or OBJ. */
    public String opcode() {
        return opcode;
    }

    public List<Object> args() {
        return Collections.unmodifiableList(args);
    }

    public List<Object> states() {
        return Collections.unmodifiableList(states);
    }

    /** The state of the first BUILD when it is a dict (an instance {@code __dict__}), else an empty map. */
    @SuppressWarnings("unchecked")
    public Map<Object, Object> attributes() {
        for (Object s : states) {
            if (s instanceof Map<?, ?> m) return Collections.unmodifiableMap((Map<Object, Object>) m);
            if (s instanceof PyTuple t && t.size() == 2 && t.get(0) instanceof Map<?, ?> m) return Collections.unmodifiableMap((Map<Object, Object>) m);
        }
        return Map.of();
    }

    public Map<Object, Object> items() {
        return Collections.unmodifiableMap(items);
    }

    public List<Object> listItems() {
        return Collections.unmodifiableList(listItems);
    }

    @Override
    public String toString() {
        String name = callee instanceof PyGlobal g ? g.qualifiedName() : "(placeholder call)";
        return "<placeholder " + name + " via " + opcode + ", " + args.size() + " args>";
    }
}
