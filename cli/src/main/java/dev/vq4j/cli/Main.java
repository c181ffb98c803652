package dev.vq4j.cli;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.core.Backends;
import dev.vq4j.core.Device;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code vq4j} command: {@code vq4j <command> [options]}. Each command is a {@link Command};
 * errors in the user's input print one line and exit with status 2, failures exit with 1 — JVM errors
 * (out of memory, stack overflow) too, as one line; {@code --debug} or VQ4J_DEBUG=1 adds the stack trace.
 */
public final class Main {
    private static final Map<String, Command> COMMANDS = new LinkedHashMap<>();

    static {
        register(new InfoCommand());
        register(new DemoCommand());
        register(new TrainCommand());
        register(new EncodeCommand());
        register(new TokenizeCommand());
        register(new SampleCommand());
        register(new VaryCommand());
        register(new DecodeCommand());
        register(new ReconstructCommand());
        register(new EvalCommand());
    }

    private static void register(Command c) {
        COMMANDS.put(c.name(), c);
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs a command line and returns the exit status (for tests). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(COMMANDS, args, out, err);
    }

    /** {@link #run(String[], PrintStream, PrintStream)} over a given command table (tests add commands that fail on purpose). */
    static int run(Map<String, Command> commands, String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            usage(out);
            return args.length == 0 ? 2 : 0;
        }
        Command command = commands.get(args[0]);
        if (command == null) {
            err.println("vq4j: unknown command '" + args[0] + "'. Commands: " + String.join(", ", commands.keySet()) + " (vq4j --help)");
            return 2;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        boolean debug = System.getenv("VQ4J_DEBUG") != null || Arrays.asList(rest).contains("--debug");
        try {
            Options options = Options.parse(command.name(), rest, command.allOptions());
            if (options.flag("help")) {
                command.help(out);
                return 0;
            }
            Device previous = Tensor.defaultDevice();
            Tensor.setDefaultDevice(device(options.string("device")));
            try {
                return command.run(options, out);
            } finally {
                Tensor.setDefaultDevice(previous);
            }
        } catch (UsageException e) {
            err.println("vq4j " + command.name() + ": " + e.getMessage());
            return 2;
        } catch (RuntimeException e) {
            err.println("vq4j " + command.name() + ": " + e.getMessage());
            if (debug) e.printStackTrace(err);
            return 1;
        } catch (Error e) { // out of memory, stack overflow, a native library that would not load: one line, no trace
            err.println("vq4j " + command.name() + ": " + describe(e) + " (running: vq4j " + String.join(" ", args) + ")");
            if (debug) e.printStackTrace(err);
            return 1;
        }
    }

    /** One line for a JVM error: what happened and what to do. */
    static String describe(Error e) {
        String what = e.getMessage() == null ? "" : " (" + e.getMessage() + ")";
        if (e instanceof OutOfMemoryError)
            return "ran out of memory" + what + "; give the JVM more (VQ4J_JAVA_OPTS=-Xmx16g) or use smaller inputs";
        if (e instanceof StackOverflowError) return "the input nests too deeply (stack overflow)";
        return e.getClass().getSimpleName() + what;
    }

    /** The --device value as a usable device; a clear message when it is malformed or not on this machine. */
    static Device device(String spec) {
        Device d;
        try {
            d = Device.parse(spec);
            Backends.get(d);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new UsageException("--device " + spec + ": " + e.getMessage() + " (vq4j info lists the devices)");
        }
        return d;
    }

    static void usage(PrintStream out) {
        out.println("vq4j: vector quantisation on the JVM");
        out.println();
        out.println("usage: vq4j <command> [options]   (vq4j <command> --help for its options)");
        out.println();
        for (Command c : COMMANDS.values()) out.printf("  %-10s %s%n", c.name(), c.summary());
    }
}
