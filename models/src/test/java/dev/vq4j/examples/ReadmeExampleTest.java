package dev.vq4j.examples;

import dev.vq4j.models.ImageTokenizer;
import dev.vq4j.models.data.Images;
import dev.vq4j.models.data.ProceduralImages;
import dev.vq4j.models.train.TrainConfig;
import dev.vq4j.models.train.Trainer;
import dev.vq4j.models.vqvae.VqVaeConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keeps the README's "Use it from Java" example true: the code block there is this package's
 * {@link TokenizeImages} word for word, and it runs on a freshly trained tokenizer. Also checks the
 * embedder API's promises: concurrent encode calls, close, and that the library's runtime
 * dependencies are vq4j's own modules only.
 */
class ReadmeExampleTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void readmeExampleIsTheCompiledExampleAndRuns(@TempDir Path tmp) throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"));
        Matcher m = Pattern.compile("```java\n(package dev\\.vq4j\\.examples;.*?)```", Pattern.DOTALL).matcher(readme);
        assertTrue(m.find(), "README has the example in a ```java block");
        String source = Files.readString(ROOT.resolve("models/src/test/java/dev/vq4j/examples/TokenizeImages.java"));
        assertEquals(source, m.group(1), "README's example differs from models/src/test/java/dev/vq4j/examples/TokenizeImages.java");

        Path run = tmp.resolve("run");
        TrainConfig t = new TrainConfig("builtin", 16, 16, 0, 2, 4, "adam", 1e-3, 1e-4, 0, 0, 1.0, 3, 1, 0, 0, 1);
        ProceduralImages data = new ProceduralImages(3, 16, 16);
        new Trainer(Trainer.newModel(new VqVaeConfig(3, 8, 4, 1, 4, "vq", 16, 4, 0.25, false), 3), t, data, null, run).run(null);
        Images.writePng(tmp.resolve("in.png"), data.batch(new int[] {0}).select(0, 0));
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            TokenizeImages.main(new String[] {run.toString(), tmp.resolve("in.png").toString(), tmp.resolve("out.png").toString()});
        } finally {
            System.setOut(stdout);
        }
        assertEquals("vqvae: 4x4 codes from a codebook of 16\n", captured.toString(StandardCharsets.UTF_8).replace("\r", ""));
        BufferedImage out = ImageIO.read(tmp.resolve("out.png").toFile());
        assertEquals(16, out.getWidth());

        // concurrent encode calls agree with a single-threaded one; close ends use
        ImageTokenizer tok = ImageTokenizer.load(run);
        List<BufferedImage> images = List.of(ImageIO.read(tmp.resolve("in.png").toFile()));
        int[][][] expected = tok.encode(images);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<int[][][]>> futures = new ArrayList<>();
            for (int i = 0; i < 16; i++) futures.add(pool.submit(() -> tok.encode(images)));
            for (Future<int[][][]> f : futures) assertArrayEquals(expected, f.get());
        } finally {
            pool.shutdown();
        }
        var e = assertThrows(IllegalArgumentException.class, () -> tok.decode(new int[][][] {{{16}}}));
        assertTrue(e.getMessage().contains("code 16 at [0][0][0] is outside the codebook [0, 16)"), e.getMessage());
        tok.close();
        var closed = assertThrows(IllegalStateException.class, () -> tok.encode(images));
        assertEquals("vqvae: this tokenizer was closed", closed.getMessage());
    }

    /** core, kernels, autograd and models declare no compile or runtime dependency outside dev.vq4j (tests may use JUnit). */
    @Test
    void theCpuLibraryPullsNoThirdPartyJar() throws Exception {
        for (String module : List.of("core", "kernels", "autograd", "models")) {
            String pom = Files.readString(ROOT.resolve(module).resolve("pom.xml"));
            Matcher deps = Pattern.compile("<dependency>(.*?)</dependency>", Pattern.DOTALL).matcher(pom);
            while (deps.find()) {
                String d = deps.group(1);
                if (d.contains("<scope>test</scope>")) continue;
                assertTrue(d.contains("<groupId>dev.vq4j</groupId>"), module + "/pom.xml has a third-party dependency: " + d.strip());
                assertTrue(!d.contains("vq4j-opencl") && !d.contains("vq4j-cuda"), module + "/pom.xml depends on a GPU module outside tests: " + d.strip());
            }
        }
        String parent = Files.readString(ROOT.resolve("pom.xml"));
        String outsideManagement = parent.replaceAll("(?s)<dependencyManagement>.*?</dependencyManagement>", "");
        Matcher deps = Pattern.compile("<dependency>(.*?)</dependency>", Pattern.DOTALL).matcher(outsideManagement);
        while (deps.find()) assertTrue(deps.group(1).contains("<scope>test</scope>"), "the parent pom gives every module a dependency: " + deps.group(1).strip());
    }
}
