package dev.vq4j.core.io.torch;

/**
 * A Python global (class or function) named by a pickle that the reader does not know. It is never
 * imported or called: it only stands for the name, e.g. a Lightning callback class used as a dict key.
 */
public record PyGlobal(String module, String name) {
    public String qualifiedName() {
        return module + "." + name;
    }

    @Override
    public String toString() {
        return "<global " + qualifiedName() + ">";
    }
}
