package dev.vq4j.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code --name value}, {@code --name=value} and {@code --flag} options plus positional arguments. */
final class Options {
    /** An accepted option: flags take no value. */
    record Spec(String name, boolean takesValue, String defaultValue, String help) {
        static Spec flag(String name, String help) {
            return new Spec(name, false, null, help);
        }

        static Spec value(String name, String defaultValue, String help) {
            return new Spec(name, true, defaultValue, help);
        }
    }

    private final String command;
    private final Map<String, String> values = new HashMap<>();
    private final List<String> positional = new ArrayList<>();

    private Options(String command) {
        this.command = command;
    }

    /** Options every command takes, after its own. */
    static final List<Spec> COMMON = List.of(Spec.value("device", "cpu",
            "where tensors live and kernels run: cpu, opencl[:n], cuda[:n] or auto (vq4j info lists the devices)"),
            Spec.flag("debug", "print the stack trace of a failure (also VQ4J_DEBUG=1)"));

    static Options parse(String command, String[] args, List<Spec> specs) {
        Options o = new Options(command);
        Map<String, Spec> byName = new HashMap<>();
        for (Spec s : specs) byName.put(s.name(), s);
        byName.put("help", Spec.flag("help", "show help"));
        for (Spec s : specs) if (s.defaultValue() != null) o.values.put(s.name(), s.defaultValue());
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                o.positional.add(a);
                continue;
            }
            String name = a.substring(2), value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            Spec spec = byName.get(name);
            if (spec == null) throw new UsageException("unknown option --" + name + " (see vq4j " + command + " --help)");
            if (spec.takesValue()) {
                if (value == null) {
                    if (i + 1 >= args.length) throw new UsageException("option --" + name + " needs a value");
                    value = args[++i];
                }
                o.values.put(name, value);
            } else {
                if (value != null) throw new UsageException("option --" + name + " takes no value");
                o.values.put(name, "true");
            }
        }
        return o;
    }

    boolean flag(String name) {
        return "true".equals(values.get(name));
    }

    String string(String name) {
        return values.get(name);
    }

    int integer(String name) {
        String v = values.get(name);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new UsageException("option --" + name + " expects an integer, got '" + v + "'");
        }
    }

    double number(String name) {
        String v = values.get(name);
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new UsageException("option --" + name + " expects a number, got '" + v + "'");
        }
    }

    List<String> positional() {
        return positional;
    }
}
