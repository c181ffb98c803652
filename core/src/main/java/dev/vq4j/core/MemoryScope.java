package dev.vq4j.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Deterministic release of backend memory. Every buffer allocated while a scope is open on this
 * thread is closed when the scope closes, unless it was {@linkplain #keep kept}, which hands it to
 * the enclosing scope (or to nobody, if there is none). Scopes nest:
 *
 * <pre>{@code
 * try (MemoryScope step = MemoryScope.open()) {
 *     Tensor loss = model.forward(batch).mse(target);
 *     loss.backward();
 *     optimizer.step();        // parameters live outside the scope and survive
 * }                            // activations and gradients of intermediates are freed here
 * }</pre>
 *
 * Buffers allocated outside any scope live until closed explicitly or, for host memory, until
 * garbage collected.
 */
public final class MemoryScope implements AutoCloseable {
    private static final ThreadLocal<Deque<MemoryScope>> STACK = ThreadLocal.withInitial(ArrayDeque::new);

    private final Map<Buffer, Boolean> owned = new IdentityHashMap<>();
    private final Thread owner = Thread.currentThread();
    private boolean closed;

    private MemoryScope() {}

    public static MemoryScope open() {
        MemoryScope scope = new MemoryScope();
        STACK.get().push(scope);
        return scope;
    }

    /** Called by backends for every new buffer. */
    public static void track(Buffer buffer) {
        MemoryScope top = STACK.get().peek();
        if (top != null) top.owned.put(buffer, Boolean.TRUE);
    }

    /** The innermost open scope of this thread, or null. */
    public static MemoryScope current() {
        return STACK.get().peek();
    }

    /** Moves a buffer out of this scope into the enclosing one, so it survives this scope's close. */
    public void keep(Buffer buffer) {
        if (owned.remove(buffer) == null) return;
        Deque<MemoryScope> stack = STACK.get();
        MemoryScope parent = null;
        boolean seen = false;
        for (MemoryScope s : stack) { // iterates innermost first
            if (seen) { parent = s; break; }
            if (s == this) seen = true;
        }
        if (parent != null) parent.owned.put(buffer, Boolean.TRUE);
    }

    public int size() {
        return owned.size();
    }

    @Override
    public void close() {
        if (closed) return;
        if (Thread.currentThread() != owner)
            throw new IllegalStateException("a MemoryScope must be closed by the thread that opened it");
        Deque<MemoryScope> stack = STACK.get();
        if (stack.peek() != this)
            throw new IllegalStateException("MemoryScopes must close innermost first (try-with-resources does this)");
        stack.pop();
        closed = true;
        List<Buffer> toFree = new ArrayList<>(owned.keySet());
        owned.clear();
        for (Buffer b : toFree) b.close();
    }
}
