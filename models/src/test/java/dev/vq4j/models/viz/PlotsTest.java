package dev.vq4j.models.viz;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.models.data.ProceduralImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class PlotsTest {
    @TempDir
    Path dir;

    /** Where to leave the pictures for a person to look at: -Dvq4j.plots.dir=..., else the temp dir. */
    private Path out(String name) {
        String keep = System.getProperty("vq4j.plots.dir");
        return (keep != null ? Path.of(keep) : dir).resolve(name);
    }

    private static BufferedImage readPng(Path p) throws Exception {
        byte[] head = Files.readAllBytes(p);
        assertEquals((byte) 0x89, head[0]);
        assertEquals('P', head[1]);
        BufferedImage img = ImageIO.read(p.toFile());
        assertNotNull(img, "valid PNG " + p);
        return img;
    }

    private static int distinctColours(BufferedImage img) {
        java.util.Set<Integer> s = new java.util.HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 3) for (int x = 0; x < img.getWidth(); x += 3) s.add(img.getRGB(x, y));
        return s.size();
    }

    @Test
    void imageGridLayoutAndPixels() throws Exception {
        ProceduralImages d = new ProceduralImages(3, 16, 32);
        Tensor originals = d.batch(new int[] {0, 1, 2, 3, 4, 5, 6, 7});
        Tensor grey = d.batch(new int[] {8, 9, 10, 11, 12, 13}).narrow(1, 0, 1).contiguous();
        Path p = out("grid.png");
        Plots.imageGrid(p, List.of(originals, grey), List.of("original", "grey"));
        BufferedImage img = readPng(p);
        // 32 px images upscale 3x to 96; 8 columns with 4 px gaps, 2 rows, 8 px margins, plus a label column
        assertEquals(2 * 8 + 2 * 96 + 4, img.getHeight());
        int labelW = img.getWidth() - (2 * 8 + 8 * 96 + 7 * 4);
        assertTrue(labelW > 40 && labelW < 120, "label column " + labelW);
        // top-left pixel of the first image equals the tensor's pixel 0 (nearest upscale, no smoothing)
        float[] px = originals.toFloatArray();
        int rgb = img.getRGB(8 + labelW + 1, 8 + 1);
        assertEquals(Math.round(px[0] * 255), (rgb >> 16) & 255, 1);
        assertEquals(Math.round(px[1024] * 255), (rgb >> 8) & 255, 1);
        // no labels: no label column
        BufferedImage plain = Plots.drawImageGrid(List.of(originals), null);
        assertEquals(2 * 8 + 8 * 96 + 7 * 4, plain.getWidth());
        var e = assertThrows(IllegalArgumentException.class, () -> Plots.drawImageGrid(List.of(Tensor.zeros(3, 4, 4)), null));
        assertTrue(e.getMessage().contains("[3, 4, 4]"), e.getMessage());
    }

    @Test
    void lineChartWithSeveralSeriesLogAxisAndNaN() throws Exception {
        int n = 500;
        float[] total = new float[n], recon = new float[n], commit = new float[n];
        for (int i = 0; i < n; i++) {
            recon[i] = (float) (0.5 * Math.exp(-i / 120.0) + 0.02 + 0.01 * Math.sin(i));
            commit[i] = (float) (0.05 * Math.exp(-i / 300.0) + 0.004);
            total[i] = recon[i] + commit[i];
        }
        recon[200] = Float.NaN;
        Map<String, float[]> series = new LinkedHashMap<>();
        series.put("total", total);
        series.put("reconstruction", recon);
        series.put("commitment", commit);
        Path p = out("loss.png");
        Plots.lineChart(p, "Training loss", "step", "loss", series, true);
        BufferedImage img = readPng(p);
        assertEquals(Plots.CHART_WIDTH, img.getWidth());
        assertEquals(Plots.CHART_HEIGHT, img.getHeight());
        assertEquals(0xffffffff, img.getRGB(2, 2), "white background");
        assertTrue(distinctColours(img) > 20, "lines, text and anti-aliasing");

        Plots.lineChart(out("loss-linear.png"), "Linear", "step", "loss", series, false);
        assertNotNull(readPng(out("loss-linear.png")));
    }

    @Test
    void lineChartHandlesEmptyAndDegenerateInput() throws Exception {
        Map<String, float[]> nan = new LinkedHashMap<>();
        nan.put("nan", new float[] {Float.NaN, Float.POSITIVE_INFINITY});
        nan.put("flat", new float[] {2f});
        Plots.lineChart(out("degenerate.png"), "Degenerate", "step", "value", nan, false);
        assertEquals(Plots.CHART_WIDTH, readPng(out("degenerate.png")).getWidth());
        Plots.lineChart(out("empty.png"), "", null, null, Map.of(), true);
        Map<String, float[]> negative = Map.of("neg", new float[] {-1f, 0f});
        assertEquals(Plots.CHART_HEIGHT, Plots.drawLineChart("log of nothing", "x", "y", negative, true).getHeight());
    }

    @Test
    void barChartSortedAndUnsorted() throws Exception {
        float[] counts = new float[512];
        dev.vq4j.core.Rng rng = new dev.vq4j.core.Rng(4);
        for (int i = 0; i < counts.length; i++) counts[i] = i % 7 == 0 ? 0 : (float) Math.floor(200 * Math.pow(rng.nextDouble(), 3));
        Path p = out("usage.png");
        Plots.barChart(p, "Codebook usage", "code (sorted by use)", "count", counts, true);
        BufferedImage img = readPng(p);
        assertEquals(Plots.CHART_WIDTH, img.getWidth());
        assertEquals(Plots.CHART_HEIGHT, img.getHeight());
        Plots.barChart(out("usage-few.png"), "Few codes", "code", "count", new float[] {5, 0, 12, 3, Float.NaN, 7, 1, 9}, false);
        assertNotNull(readPng(out("usage-few.png")));
        assertNotNull(Plots.drawBarChart("none", "x", "y", new float[0], true));
        assertNotNull(Plots.drawBarChart("zeros", "x", "y", new float[] {0, 0}, false));
    }

    @Test
    void ticksAreRoundNumbers() {
        Plots.Axis a = Plots.Axis.linear(0.013, 0.87, 6, true);
        assertEquals(0.0, a.lo(), 1e-12);
        assertEquals(1.0, a.hi(), 1e-12);
        assertArrayEquals(new double[] {0, 0.2, 0.4, 0.6, 0.8, 1.0}, a.ticks(), 1e-12);
        assertEquals("0.4", a.label(0.4));
        Plots.Axis big = Plots.Axis.linear(1, 2000, 10, false);
        assertEquals(200.0, big.ticks()[1] - big.ticks()[0], 1e-9);
        Plots.Axis log = Plots.Axis.log(0.003, 0.8);
        assertEquals(-3, log.lo(), 1e-12);
        assertEquals(0, log.hi(), 1e-12);
        assertEquals("0.01", log.label(-2));
        assertEquals("1e-7", Plots.Axis.log(1e-7, 1e-6).label(-7));
    }
}
