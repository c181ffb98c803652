package dev.vq4j.cli;

import java.io.PrintStream;
import java.util.List;

/** One {@code vq4j} subcommand. */
interface Command {
    String name();

    /** One line for {@code vq4j --help}. */
    String summary();

    /** The options it accepts ({@code --help} is always added). */
    List<Options.Spec> options();

    /** Its own options, then {@link Options#COMMON}. */
    default List<Options.Spec> allOptions() {
        List<Options.Spec> all = new java.util.ArrayList<>(options());
        all.addAll(Options.COMMON);
        return all;
    }

    /** Returns the exit status. Throws {@link UsageException} for bad input. */
    int run(Options options, PrintStream out);

    default void help(PrintStream out) {
        out.println("usage: vq4j " + name() + " [options]");
        out.println();
        out.println(summary());
        out.println();
        for (Options.Spec s : allOptions())
            out.printf("  --%-16s %s%s%n", s.name() + (s.takesValue() ? " VALUE" : ""), s.help(),
                    s.defaultValue() == null ? "" : " (default " + s.defaultValue() + ")");
        out.printf("  --%-16s %s%n", "help", "show this help");
    }
}
