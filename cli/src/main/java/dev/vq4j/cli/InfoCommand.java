package dev.vq4j.cli;

import dev.vq4j.core.BackendProvider;
import dev.vq4j.core.Backends;
import dev.vq4j.core.Device;
import dev.vq4j.core.Parallel;

import java.io.PrintStream;
import java.util.List;

/** {@code vq4j info}: the JDK, the Vector API's species on this CPU, cores, threads and backends. */
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
                out.printf("  %-10s unavailable: %s%n", p.type(), why);
                continue;
            }
            out.printf("  %-10s available%n", p.type());
            for (String d : p.devices()) out.printf("    %s%n", d);
        }
        out.println("auto      " + Backends.best().device() + " (what --device auto picks; every command runs on --device, default cpu)");
    }

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }
}
