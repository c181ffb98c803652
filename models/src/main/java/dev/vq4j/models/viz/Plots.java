package dev.vq4j.models.viz;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.models.data.Images;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * PNG pictures drawn with Java2D (headless): image grids, line charts, bar charts. White background,
 * anti-aliased lines and text; files are written atomically (temp file, fsync, rename).
 */
public final class Plots {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    /** Line chart and bar chart size in pixels. */
    public static final int CHART_WIDTH = 900, CHART_HEIGHT = 540;
    /** Image grid cells are upscaled (nearest neighbour) by whole factors until at least this many pixels tall. */
    public static final int MIN_CELL = 96;

    /** Matplotlib's "tab10" palette. */
    private static final Color[] PALETTE = {
            new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd),
            new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)};
    private static final Color INK = new Color(0x222222), GRID = new Color(0xe6e6e6), AXIS = new Color(0x555555);
    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 18);
    private static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
    private static final Font TICK = new Font(Font.SANS_SERIF, Font.PLAIN, 12);

    private Plots() {}

    // =================================================================== image grid

    /**
     * A grid PNG: each row is one [B, C, H, W] tensor in [0, 1] (C = 1 or 3), e.g. originals above
     * reconstructions; {@code rowLabels} may be null.
     */
    public static void imageGrid(Path png, List<Tensor> rows, List<String> rowLabels) {
        Images.writePng(png, drawImageGrid(rows, rowLabels));
    }

    /** The grid of {@link #imageGrid} as an image. */
    public static BufferedImage drawImageGrid(List<Tensor> rows, List<String> rowLabels) {
        if (rows == null || rows.isEmpty()) throw new IllegalArgumentException("imageGrid: no rows given");
        if (rowLabels != null && rowLabels.size() != rows.size())
            throw new IllegalArgumentException("imageGrid: " + rowLabels.size() + " row labels for " + rows.size() + " rows");
        int cols = 0, maxH = 0, maxW = 0;
        for (int r = 0; r < rows.size(); r++) {
            int[] s = rows.get(r).shape();
            if (s.length != 4 || (s[1] != 1 && s[1] != 3))
                throw new IllegalArgumentException("imageGrid: row " + r + " has shape " + Arrays.toString(s) + ", expected [B, C, H, W] with C = 1 or 3");
            cols = Math.max(cols, s[0]);
            maxH = Math.max(maxH, s[2]);
            maxW = Math.max(maxW, s[3]);
        }
        int scale = Math.max(1, (MIN_CELL + Math.max(maxH, maxW) - 1) / Math.max(maxH, maxW));
        int cellH = maxH * scale, cellW = maxW * scale, gap = 4, margin = 8;

        int labelW = 0;
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D pg = probe.createGraphics();
        FontMetrics fm = pg.getFontMetrics(LABEL);
        if (rowLabels != null) for (String l : rowLabels) if (l != null) labelW = Math.max(labelW, fm.stringWidth(l) + 14);
        pg.dispose();

        int width = 2 * margin + labelW + cols * cellW + (cols - 1) * gap;
        int height = 2 * margin + rows.size() * cellH + (rows.size() - 1) * gap;
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(out);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        for (int r = 0; r < rows.size(); r++) {
            Tensor t = rows.get(r);
            int[] s = t.shape();
            float[] px = t.toFloatArray();
            int y = margin + r * (cellH + gap);
            int plane = s[1] * s[2] * s[3];
            for (int b = 0; b < s[0]; b++) {
                BufferedImage img = Images.toImage(px, b * plane, s[1], s[2], s[3]);
                int x = margin + labelW + b * (cellW + gap);
                g.drawImage(img, x, y, s[3] * scale, s[2] * scale, null);
            }
            if (rowLabels != null && rowLabels.get(r) != null) {
                g.setFont(LABEL);
                g.setColor(INK);
                g.drawString(rowLabels.get(r), margin, y + cellH / 2 + fm.getAscent() / 2 - 2);
            }
        }
        g.dispose();
        return out;
    }

    // =================================================================== line chart

    /** A line chart PNG of one or more named series over x = 1..n (e.g. losses by step). */
    public static void lineChart(Path png, String title, String xLabel, String yLabel, Map<String, float[]> series, boolean logY) {
        Images.writePng(png, drawLineChart(title, xLabel, yLabel, series, logY));
    }

    /**
     * The chart of {@link #lineChart} as an image. Non-finite values (and, with {@code logY}, values
     * ≤ 0) break a line rather than bend the axes; a chart with no plottable value says so.
     */
    public static BufferedImage drawLineChart(String title, String xLabel, String yLabel, Map<String, float[]> series, boolean logY) {
        BufferedImage out = new BufferedImage(CHART_WIDTH, CHART_HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(out);
        List<String> names = series == null ? List.of() : new ArrayList<>(series.keySet());
        int n = 0;
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (String name : names) {
            float[] v = series.get(name);
            if (v == null) continue;
            n = Math.max(n, v.length);
            for (float f : v)
                if (plottable(f, logY)) {
                    lo = Math.min(lo, f);
                    hi = Math.max(hi, f);
                }
        }
        boolean empty = lo > hi;
        Frame f = Frame.of(g, title, xLabel, yLabel, CHART_WIDTH, CHART_HEIGHT);

        double x0 = 1, x1 = Math.max(2, n);
        Axis xAxis = Axis.linear(x0, x1, 10, false, 1);
        Axis yAxis;
        if (empty) yAxis = logY ? Axis.log(1, 10) : Axis.linear(0, 1, 6, true);
        else if (logY) yAxis = Axis.log(lo, hi);
        else {
            double pad = (hi - lo) * 0.04; // keep lines off the frame
            double a = lo >= 0 ? Math.max(0, lo - pad) : lo - pad, b = hi <= 0 ? Math.min(0, hi + pad) : hi + pad; // never pad across zero
            yAxis = Axis.linear(a, b, 6, true);
        }
        f.drawAxes(g, new Axis(x0, x1, xAxis.ticks, false), yAxis);

        Shape2D map = new Shape2D(f, x0, x1, yAxis);
        g.setClip(new Rectangle2D.Double(f.left - 1, f.top - 1, f.width() + 2, f.height() + 2));
        for (int s = 0; s < names.size(); s++) {
            float[] v = series.get(names.get(s));
            if (v == null) continue;
            g.setColor(PALETTE[s % PALETTE.length]);
            g.setStroke(new BasicStroke(v.length > 2000 ? 1.2f : 2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            Path2D.Double path = new Path2D.Double();
            boolean pen = false;
            for (int i = 0; i < v.length; i++) {
                if (!plottable(v[i], logY)) {
                    pen = false;
                    continue;
                }
                double px = map.x(i + 1), py = map.y(v[i]);
                if (pen) path.lineTo(px, py);
                else path.moveTo(px, py);
                pen = true;
                if (v.length <= 40) g.fill(new java.awt.geom.Ellipse2D.Double(px - 3, py - 3, 6, 6));
            }
            g.draw(path);
        }
        g.setClip(null);
        if (empty) f.centreNote(g, names.isEmpty() ? "no series" : "no finite values to plot");
        if (!names.isEmpty()) legend(g, f, map, names, series, logY);
        g.dispose();
        return out;
    }

    private static boolean plottable(float v, boolean logY) {
        return Float.isFinite(v) && (!logY || v > 0);
    }

    private static void legend(Graphics2D g, Frame f, Shape2D map, List<String> names, Map<String, float[]> series, boolean logY) {
        g.setFont(LABEL);
        FontMetrics fm = g.getFontMetrics();
        List<String> texts = new ArrayList<>();
        int w = 0;
        for (String name : names) {
            float[] v = series.get(name);
            boolean any = false;
            if (v != null) for (float x : v) any |= plottable(x, logY);
            String text = any ? name : name + " (no data)";
            texts.add(text);
            w = Math.max(w, fm.stringWidth(text));
        }
        int line = fm.getHeight() + 2, pad = 8, swatch = 22;
        int boxW = pad * 3 + swatch + w, boxH = pad * 2 + line * texts.size() - 2;
        // the corner whose box covers the fewest data points: top-right, bottom-left, top-left, bottom-right
        int[][] corners = {{f.right - boxW - 10, f.top + 10}, {f.left + 10, f.bottom - boxH - 10},
                {f.left + 10, f.top + 10}, {f.right - boxW - 10, f.bottom - boxH - 10}};
        int bx = corners[0][0], by = corners[0][1];
        long best = Long.MAX_VALUE;
        for (int[] c : corners) {
            long covered = 0;
            for (String name : names) {
                float[] v = series.get(name);
                if (v == null) continue;
                double lastX = Double.NaN, lastY = Double.NaN;
                for (int i = 0; i < v.length; i++) {
                    if (!plottable(v[i], logY)) {
                        lastX = Double.NaN;
                        continue;
                    }
                    double px = map.x(i + 1), py = map.y(v[i]);
                    // sample the segment from the previous point every few pixels, so lines count, not just points
                    int samples = Double.isNaN(lastX) ? 1 : (int) Math.min(200, Math.ceil(Math.hypot(px - lastX, py - lastY) / 4));
                    for (int k = 1; k <= samples; k++) {
                        double t = k / (double) samples;
                        double sx = Double.isNaN(lastX) ? px : lastX + (px - lastX) * t, sy = Double.isNaN(lastX) ? py : lastY + (py - lastY) * t;
                        if (sx >= c[0] - 4 && sx <= c[0] + boxW + 4 && sy >= c[1] - 4 && sy <= c[1] + boxH + 4) covered++;
                    }
                    lastX = px;
                    lastY = py;
                }
            }
            if (covered < best) {
                best = covered;
                bx = c[0];
                by = c[1];
            }
        }
        g.setColor(new Color(255, 255, 255, 225));
        g.fillRoundRect(bx, by, boxW, boxH, 8, 8);
        g.setColor(new Color(0xcccccc));
        g.setStroke(new BasicStroke(1f));
        g.drawRoundRect(bx, by, boxW, boxH, 8, 8);
        for (int i = 0; i < texts.size(); i++) {
            int cy = by + pad + i * line + line / 2 - 1;
            g.setColor(PALETTE[i % PALETTE.length]);
            g.setStroke(new BasicStroke(3f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            g.draw(new Line2D.Double(bx + pad, cy, bx + pad + swatch, cy));
            g.setColor(INK);
            g.drawString(texts.get(i), bx + pad * 2 + swatch, cy + fm.getAscent() / 2 - 2);
        }
    }

    // =================================================================== bar chart

    /** A bar chart PNG of values by index (e.g. code usage counts), sorted descending when asked. */
    public static void barChart(Path png, String title, String xLabel, String yLabel, float[] values, boolean sortDescending) {
        Images.writePng(png, drawBarChart(title, xLabel, yLabel, values, sortDescending));
    }

    /** The chart of {@link #barChart} as an image; non-finite values draw no bar. */
    public static BufferedImage drawBarChart(String title, String xLabel, String yLabel, float[] values, boolean sortDescending) {
        float[] v = values == null ? new float[0] : values.clone();
        if (sortDescending) {
            // non-finite values go last
            Float[] boxed = new Float[v.length];
            for (int i = 0; i < v.length; i++) boxed[i] = v[i];
            Arrays.sort(boxed, (a, b) -> {
                boolean fa = Float.isFinite(a), fb = Float.isFinite(b);
                if (fa != fb) return fa ? -1 : 1;
                return Float.compare(b, a);
            });
            for (int i = 0; i < v.length; i++) v[i] = boxed[i];
        }
        BufferedImage out = new BufferedImage(CHART_WIDTH, CHART_HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(out);
        double lo = 0, hi = 0;
        int nonzero = 0, finite = 0;
        for (float x : v)
            if (Float.isFinite(x)) {
                finite++;
                lo = Math.min(lo, x);
                hi = Math.max(hi, x);
                if (x != 0) nonzero++;
            }
        if (lo == hi) hi = lo + 1;
        Frame f = Frame.of(g, title, xLabel, yLabel, CHART_WIDTH, CHART_HEIGHT);
        int n = Math.max(1, v.length);
        Axis yAxis = Axis.linear(lo, hi, 6, true);
        // bars are centred on integers 0..n-1, so the x range is [-0.5, n-0.5]
        Axis xTicks = Axis.linear(0, Math.max(1, n - 1), 10, false, 1);
        List<Double> xt = new ArrayList<>();
        for (double t : xTicks.ticks) if (t == Math.rint(t) && t <= n - 1) xt.add(t);
        f.drawAxes(g, new Axis(-0.5, n - 0.5, xt.stream().mapToDouble(Double::doubleValue).toArray(), false), yAxis);

        Shape2D map = new Shape2D(f, -0.5, n - 0.5, yAxis);
        double slot = f.width() / (double) n;
        double barW = slot >= 4 ? slot * 0.8 : slot;
        g.setColor(PALETTE[0]);
        double base = map.y(Math.max(yAxis.lo, Math.min(0, yAxis.hi)));
        if (slot >= 4) {
            for (int i = 0; i < v.length; i++) {
                if (!Float.isFinite(v[i]) || v[i] == 0) continue;
                double cx = map.x(i), top = map.y(v[i]);
                g.fill(new Rectangle2D.Double(cx - barW / 2, Math.min(top, base), barW, Math.max(1, Math.abs(base - top))));
            }
        } else {
            // bars touch: one step-shaped outline fills evenly, without anti-aliasing seams between bars
            Path2D.Double steps = new Path2D.Double();
            steps.moveTo(f.left, base);
            for (int i = 0; i < v.length; i++) {
                double y = Float.isFinite(v[i]) ? map.y(v[i]) : base;
                if (Float.isFinite(v[i]) && v[i] != 0 && Math.abs(y - base) < 1) y = v[i] > 0 ? base - 1 : base + 1;
                steps.lineTo(map.x(i) - slot / 2, y);
                steps.lineTo(map.x(i) + slot / 2, y);
            }
            steps.lineTo(f.right, base);
            steps.closePath();
            g.fill(steps);
        }
        String note = values == null || v.length == 0 ? "no values"
                : v.length + " bars, " + nonzero + " nonzero" + (finite < v.length ? ", " + (v.length - finite) + " not finite" : "");
        g.setFont(TICK);
        g.setColor(AXIS);
        FontMetrics fm = g.getFontMetrics();
        g.drawString(note, f.right - fm.stringWidth(note), f.top - 8);
        g.dispose();
        return out;
    }

    // =================================================================== shared drawing

    private static Graphics2D canvas(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        return g;
    }

    /** An axis range with its tick positions; {@code log} means positions are log10 of the values. */
    record Axis(double lo, double hi, double[] ticks, boolean log) {
        /** Round-numbered ticks (steps 1, 2 or 5 × 10^k) covering [lo, hi]; {@code snap} widens the range to whole ticks. */
        static Axis linear(double lo, double hi, int target, boolean snap) {
            return linear(lo, hi, target, snap, 0);
        }

        /** As above with steps no smaller than {@code minStep} (1 for step counts and indices). */
        static Axis linear(double lo, double hi, int target, boolean snap, double minStep) {
            if (hi <= lo) {
                double pad = lo == 0 ? 1 : Math.abs(lo) * 0.1;
                lo -= pad;
                hi += pad;
            }
            double step = Math.max(minStep, niceStep((hi - lo) / target));
            double first = Math.ceil(lo / step - 1e-9) * step, last = Math.floor(hi / step + 1e-9) * step;
            if (snap) {
                first = Math.floor(lo / step + 1e-9) * step;
                last = Math.ceil(hi / step - 1e-9) * step;
                lo = first;
                hi = last;
            }
            int count = (int) Math.round((last - first) / step) + 1;
            double[] ticks = new double[Math.max(0, count)];
            for (int i = 0; i < ticks.length; i++) ticks[i] = clean(first + i * step, step);
            return new Axis(lo, hi, ticks, false);
        }

        /** Whole decades around [lo, hi]; 2 and 5 multiples too when the range spans under two decades. */
        static Axis log(double lo, double hi) {
            double a = Math.floor(Math.log10(lo) + 1e-9), b = Math.ceil(Math.log10(hi) - 1e-9);
            if (b <= a) b = a + 1;
            List<Double> t = new ArrayList<>();
            int every = (int) Math.max(1, Math.ceil((b - a) / 8));
            for (double d = a; d <= b + 1e-9; d++) {
                if (((long) (d - a)) % every == 0) t.add(d);
                if (b - a <= 2 && d < b) {
                    t.add(d + Math.log10(2));
                    t.add(d + Math.log10(5));
                }
            }
            return new Axis(a, b, t.stream().mapToDouble(Double::doubleValue).toArray(), true);
        }

        double position(double v) {
            return log ? Math.log10(v) : v;
        }

        String label(double tick) {
            if (log) {
                double v = Math.pow(10, tick);
                long k = Math.round(Math.floor(tick + 1e-9));
                double mant = v / Math.pow(10, k);
                if (k >= -3 && k <= 4) return format(v, Math.max(0, -k));
                return (Math.abs(mant - 1) < 1e-6 ? "" : Math.round(mant) + "×") + "1e" + k;
            }
            double step = ticks.length > 1 ? ticks[1] - ticks[0] : 1;
            double mag = Math.max(Math.abs(lo), Math.abs(hi));
            if (mag >= 1e6 || (mag > 0 && mag < 1e-4)) return String.format("%.2g", tick);
            int decimals = (int) Math.max(0, Math.ceil(-Math.log10(step) - 1e-9));
            return format(tick, decimals);
        }

        private static String format(double v, long decimals) {
            if (v == 0) return "0";
            return String.format("%." + decimals + "f", v);
        }

        static double niceStep(double raw) {
            double mag = Math.pow(10, Math.floor(Math.log10(raw)));
            double f = raw / mag;
            double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
            return nice * mag;
        }

        private static double clean(double v, double step) {
            return Math.abs(v) < step * 1e-9 ? 0 : v;
        }
    }

    /** Data → pixel mapping inside a frame. */
    private record Shape2D(Frame f, double x0, double x1, Axis y) {
        double x(double v) {
            return f.left + (v - x0) / (x1 - x0) * f.width();
        }

        double y(double v) {
            double p = y.position(v);
            return f.bottom - (p - y.lo) / (y.hi - y.lo) * f.height();
        }
    }

    /** The plot rectangle with title and axis labels around it. */
    private record Frame(int left, int top, int right, int bottom) {
        static Frame of(Graphics2D g, String title, String xLabel, String yLabel, int w, int h) {
            Frame f = new Frame(86, title == null || title.isEmpty() ? 30 : 56, w - 28, h - 64);
            g.setColor(INK);
            if (title != null && !title.isEmpty()) {
                g.setFont(TITLE);
                int tw = g.getFontMetrics().stringWidth(title);
                g.drawString(title, (w - tw) / 2, 32);
            }
            g.setFont(LABEL);
            FontMetrics fm = g.getFontMetrics();
            if (xLabel != null && !xLabel.isEmpty())
                g.drawString(xLabel, f.left + (f.width() - fm.stringWidth(xLabel)) / 2, h - 16);
            if (yLabel != null && !yLabel.isEmpty()) {
                var saved = g.getTransform();
                g.rotate(-Math.PI / 2);
                g.drawString(yLabel, -(f.top + (f.height() + fm.stringWidth(yLabel)) / 2), 22);
                g.setTransform(saved);
            }
            return f;
        }

        int width() {
            return right - left;
        }

        int height() {
            return bottom - top;
        }

        /** Grid lines, the axis box and tick labels. */
        void drawAxes(Graphics2D g, Axis x, Axis y) {
            g.setFont(TICK);
            FontMetrics fm = g.getFontMetrics();
            g.setStroke(new BasicStroke(1f));
            for (double t : y.ticks) {
                double py = bottom - (t - y.lo) / (y.hi - y.lo) * height();
                if (py < top - 0.5 || py > bottom + 0.5) continue;
                boolean minor = y.log && Math.abs(t - Math.rint(t)) > 1e-9;
                g.setColor(minor ? new Color(0xf0f0f0) : GRID);
                g.draw(new Line2D.Double(left, py, right, py));
                g.setColor(AXIS);
                String s = y.label(t);
                g.drawString(s, left - 8 - fm.stringWidth(s), (float) (py + fm.getAscent() / 2.0 - 2));
            }
            for (double t : x.ticks) {
                double px = left + (t - x.lo) / (x.hi - x.lo) * width();
                if (px < left - 0.5 || px > right + 0.5) continue;
                g.setColor(GRID);
                g.draw(new Line2D.Double(px, top, px, bottom));
                g.setColor(AXIS);
                g.draw(new Line2D.Double(px, bottom, px, bottom + 5));
                String s = x.label(t);
                g.drawString(s, (float) (px - fm.stringWidth(s) / 2.0), bottom + 8 + fm.getAscent());
            }
            g.setColor(AXIS);
            g.draw(new Rectangle2D.Double(left, top, width(), height()));
        }

        void centreNote(Graphics2D g, String note) {
            g.setFont(LABEL);
            g.setColor(new Color(0x999999));
            int w = g.getFontMetrics().stringWidth(note);
            g.drawString(note, left + (width() - w) / 2, top + height() / 2);
        }
    }
}
