package dev.vq4j.cli;

import dev.vq4j.core.Backend;
import dev.vq4j.core.BackendProvider;
import dev.vq4j.core.Backends;
import dev.vq4j.core.Device;
import dev.vq4j.core.Kernel;
import dev.vq4j.core.Parallel;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code vq4j info}: the JDK, the Vector API's species on this CPU, cores, threads, and every backend:
 * its devices and which kernels it runs natively or hands to its fallback, or in one line why it is unavailable.
 */
final class InfoCommand implements Command {
    @Override
    public String name() {
        return "info";
    }

    @Override
    public String summary() {
        return "print the JDK, vector species, cores, threads and available backends";
    }

    @Override
    public List<Options.Spec> options() {
        return List.of();
    }

    @Override
    public int run(Options options, PrintStream out) {
        if (!options.positional().isEmpty()) throw new UsageException("takes no arguments, got " + options.positional());
        print(out);
        return 0;
    }

    static void print(PrintStream out) {
        print(out, true);
    }

    /**
     * {@code kernels}: also open device 0 of each available backend and list its native and fallback
     * kernels (the demo's header leaves them out: opening an OpenCL device builds its program).
     */
    static void print(PrintStream out, boolean kernels) {
        Runtime rt = Runtime.getRuntime();
        out.println("vq4j " + version());
        out.printf("java      %s (%s, %s)%n", System.getProperty("java.version"), System.getProperty("java.vm.name"), System.getProperty("java.vendor"));
        out.printf("os        %s %s on %s%n", System.getProperty("os.name"), System.getProperty("os.version"), System.getProperty("os.arch"));
        out.printf("cores     %d available processors%n", rt.availableProcessors());
        out.printf("threads   %d in the kernel pool (-Dvq4j.threads or VQ4J_THREADS to change)%n", Parallel.threads());
        out.printf("memory    %d MiB max heap%n", rt.maxMemory() >> 20);
        out.printf("vector    %s%n", VectorInfo.describe());
        out.println("backends");
        for (BackendProvider p : Backends.providers()) {
            String why = p.unavailableReason();
            if (why != null) {
                out.printf("  %-10s unavailable: %s%n", p.type(), why.strip().replaceAll("\\s*\\R\\s*", " ")); // one line
                continue;
            }
            out.printf("  %-10s available%n", p.type());
            for (String d : p.devices()) out.printf("    %s%n", d);
            if (!kernels) continue;
            Backend b;
            try {
                b = Backends.get(new Device(p.type(), 0));
            } catch (RuntimeException e) {
                out.printf("    kernels   %s:0 could not be opened: %s%n", p.type(), String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
                continue;
            }
            for (String line : kernelLines(b)) out.printf("    %s%n", line);
        }
        out.println("auto      " + Backends.best().device() + " (what --device auto picks; every command runs on --device, default cpu)");
    }

    /**
     * Which kernels a backend runs with code of its own ({@link Backend#supports}) and which it hands to its
     * fallback: one line when it supports all of them, else a line for each side, kernels by {@link Kernel#id()}.
     */
    static List<String> kernelLines(Backend b) {
        List<Kernel> own = new ArrayList<>(), other = new ArrayList<>();
        for (Kernel k : Kernel.values()) (b.supports(k) ? own : other).add(k);
        String fallback = b.describeFallback();
        int all = Kernel.values().length;
        if (other.isEmpty())
            return List.of("native    all " + all + " kernels" + (fallback == null ? "" : "; single calls their code does not cover run on " + fallback));
        return List.of("native    " + own.size() + " of " + all + " kernels: " + ids(own),
                "fallback  " + other.size() + " kernels run on " + (fallback == null ? "another backend" : fallback) + ": " + ids(other));
    }

    private static String ids(List<Kernel> ks) {
        return ks.isEmpty() ? "none" : String.join(", ", ks.stream().map(Kernel::id).toList());
    }

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }
}
