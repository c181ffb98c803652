package dev.vq4j.autograd;

/**
 * Whether ops record the graph on this thread. {@link #noGrad()} turns recording off for a block:
 * <pre>{@code try (var ignored = GradMode.noGrad()) { ... } }</pre>
 */
public final class GradMode {
    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});

    private GradMode() {}

    public static boolean isEnabled() {
        return ENABLED.get()[0];
    }

    /** Disables recording until the returned scope closes; nests and restores the previous state. */
    public static Scope noGrad() {
        return set(false);
    }

    /** Enables recording until the returned scope closes (inside a no-grad block, for example). */
    public static Scope enableGrad() {
        return set(true);
    }

    private static Scope set(boolean enabled) {
        boolean[] flag = ENABLED.get();
        boolean previous = flag[0];
        flag[0] = enabled;
        return () -> flag[0] = previous;
    }

    /** A try-with-resources scope that restores the previous grad mode. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
