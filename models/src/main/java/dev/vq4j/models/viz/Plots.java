package dev.vq4j.models.viz;

import dev.vq4j.autograd.Tensor;

import java.nio.file.Path;
import java.util.List;

/** PNG pictures drawn with Java2D: image grids, line charts, bar charts. */
public final class Plots {
    private Plots() {}

    /**
     * A grid PNG: each row is one [B, C, H, W] tensor in [0, 1] (C = 1 or 3), e.g. originals above
     * reconstructions; {@code rowLabels} may be null.
     */
    public static void imageGrid(Path png, List<Tensor> rows, List<String> rowLabels) {
        throw new UnsupportedOperationException("Plots.imageGrid: not implemented yet");
    }

    /** A line chart PNG of one or more named series over x = 1..n (e.g. losses by step). */
    public static void lineChart(Path png, String title, String xLabel, String yLabel, java.util.Map<String, float[]> series, boolean logY) {
        throw new UnsupportedOperationException("Plots.lineChart: not implemented yet");
    }

    /** A bar chart PNG of values by index (e.g. code usage counts), sorted descending when asked. */
    public static void barChart(Path png, String title, String xLabel, String yLabel, float[] values, boolean sortDescending) {
        throw new UnsupportedOperationException("Plots.barChart: not implemented yet");
    }
}
