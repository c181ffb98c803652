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
