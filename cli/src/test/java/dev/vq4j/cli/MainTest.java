package dev.vq4j.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.*;

class MainTest {
    private record Result(int status, String out, String err) {}

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void infoPrintsJdkVectorSpeciesCoresAndBackends() {
        Result r = run("info");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("java      " + System.getProperty("java.version")), r.out());
        assertTrue(r.out().contains("preferred float species"), r.out());
        assertTrue(r.out().contains("cores     " + Runtime.getRuntime().availableProcessors()), r.out());
        assertTrue(r.out().contains("cpu        available"), r.out());
        assertTrue(r.out().contains("reference  available"), r.out());
    }

    /** A JVM error (here a stack overflow in the YAML parser on 300,000 nested "- ") is one line and status 1; --debug adds the trace. */
    @Test
    void aJvmErrorIsOneLineWithoutATrace(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        // a command that overflows its stack, as a hostile input once did (the YAML below, now a clear error)
        Command deep = new Command() {
            @Override public String name() { return "deep"; }
            @Override public String summary() { return "recurses until the stack overflows"; }
            @Override public java.util.List<Options.Spec> options() { return java.util.List.of(); }
            @Override public int run(Options options, java.io.PrintStream out) { return recurse(0); }
            private int recurse(int n) { return recurse(n + 1) + 1; }
        };
        java.util.Map<String, Command> commands = java.util.Map.of("deep", deep);
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Main.run(commands, new String[] {"deep"}, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String e = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, status, e);
        assertEquals(1, e.strip().lines().count(), e);
        assertTrue(e.startsWith("vq4j deep: the input nests too deeply (stack overflow) (running: vq4j deep)"), e);
        err.reset();
        Main.run(commands, new String[] {"deep", "--debug"}, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("java.lang.StackOverflowError"), err.toString(StandardCharsets.UTF_8).lines().limit(3).toList().toString());
        assertEquals("vq4j eval: ran out of memory (Java heap space); give the JVM more (VQ4J_JAVA_OPTS=-Xmx16g) or use smaller inputs",
                "vq4j eval: " + Main.describe(new OutOfMemoryError("Java heap space")));

        // the YAML that overflowed the parser's stack is now a one-line format error naming the file and line
        java.nio.file.Path yaml = dir.resolve("deep.yaml"), weights = dir.resolve("w.ckpt");
        java.nio.file.Files.writeString(yaml, "- ".repeat(300_000) + "x\n");
        java.nio.file.Files.write(weights, new byte[] {0});
        Result r = run("reconstruct", "--config", yaml.toString(), "--checkpoint", weights.toString(), "in.png", "out.png");
        assertEquals(1, r.status(), r.err());
        assertEquals("vq4j reconstruct: " + yaml + ": line 1: blocks nested deeper than 64", r.err().strip());
    }

    @Test
    void unknownCommandAndOptionGiveOneLineAndStatus2() {
        Result r = run("frobnicate");
        assertEquals(2, r.status());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("unknown command 'frobnicate'"));
        r = run("info", "--bogus");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("unknown option --bogus"), r.err());
    }

    @Test
    void helpListsCommandsAndEachCommandHasHelp() {
        Result r = run("--help");
        assertEquals(0, r.status());
        assertTrue(r.out().contains("info"));
        r = run("info", "--help");
        assertEquals(0, r.status());
        assertTrue(r.out().contains("usage: vq4j info"));
    }

    @Test
    void demoRejectsBadOptionsWithOneLine() {
        Result r = run("demo", "--steps", "zero");
        assertEquals(2, r.status());
        assertEquals("vq4j demo: option --steps expects an integer, got 'zero'", r.err().strip());
    }
}
