package dev.vq4j.models.data;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.core.Rng;

import java.util.List;

/**
 * The built-in dataset: {@code count} RGB images of {@code size}×{@code size} pixels, coloured shapes
 * and textures drawn deterministically from the seed (image i depends only on seed and i).
 *
 * <p>Each image is a textured background (linear or radial gradient, soft stripes, or a checkerboard
 * in two random colours) with 2–5 overlapping shapes on top (discs, rings, rotated rectangles,
 * triangles), each in a random saturated colour with a slight shading gradient. All shapes of an image
 * are of one kind, which is the image's label ({@link #labels}): a class a glance can tell. Shape edges are
 * anti-aliased by 4×4 supersampling. Images are drawn on demand (about 0.1 ms each at 32 px, 0.5 ms at 64 px), so
 * any count costs no memory.
 *
 * <p>{@link Style#SINGLE} draws a plainer set with the same classes: one large shape on a flat
 * background. Its pictures carry far fewer bits (a 64-token code grid of one is predictable from a few
 * tokens), so a small prior trained for a minute can learn to draw them; the scenes need far more.
 */
public final class ProceduralImages implements ImageDataset {
    private static final int SUPERSAMPLE = 4;

    /** What an image shows. */
    public enum Style {
        /** A textured background with 2–5 shapes of one kind (the default). */
        SCENES,
        /** One large shape, mostly inside the frame, on a flat background. */
        SINGLE
    }

    private final long seed;
    private final int count;
    private final int size;
    private final Style style;

    public ProceduralImages(long seed, int count, int size) {
        this(seed, count, size, Style.SCENES);
    }

    public ProceduralImages(long seed, int count, int size, Style style) {
        if (count < 1) throw new IllegalArgumentException("ProceduralImages: count must be >= 1, got " + count);
        if (size < 8 || size > 1024)
            throw new IllegalArgumentException("ProceduralImages: size must be in [8, 1024] (32 or 64 recommended), got " + size);
        this.seed = seed;
        this.count = count;
        this.size = size;
        this.style = java.util.Objects.requireNonNull(style, "style");
    }

    @Override
    public int size() {
        return count;
    }

    @Override
    public int channels() {
        return 3;
    }

    @Override
    public int height() {
        return size;
    }

    @Override
    public int width() {
        return size;
    }

    @Override
    public Tensor batch(int[] indices) {
        int plane = 3 * size * size;
        float[] out = new float[indices.length * plane];
        for (int b = 0; b < indices.length; b++) {
            int i = indices[b];
            if (i < 0 || i >= count)
                throw new IndexOutOfBoundsException("ProceduralImages: index " + i + " out of range for " + count + " images");
            draw(i, out, b * plane);
        }
        return Tensor.of(out, indices.length, 3, size, size);
    }

    @Override
    public String describe() {
        return (style == Style.SINGLE ? "procedural single shapes: " : "procedural shapes: ") + count + " RGB images " + size + "x" + size + " (seed " + seed + ")";
    }

    /** The classes of {@link #labels}: the kind of the image's shapes. */
    public static final List<String> CLASSES = List.of("disc", "ring", "rectangle", "triangle");

    @Override
    public List<String> classNames() {
        return CLASSES;
    }

    /** Each image's shape kind (one draw of a few generator values; the image itself is not drawn). */
    @Override
    public Tensor labels(int[] indices) {
        long[] out = new long[indices.length];
        for (int b = 0; b < indices.length; b++) {
            int i = indices[b];
            if (i < 0 || i >= count)
                throw new IndexOutOfBoundsException("ProceduralImages: index " + i + " out of range for " + count + " images");
            out[b] = kindOf(i);
        }
        return Tensor.ofLongs(out, indices.length);
    }

    /** Image {@code index} as [3, size, size] floats written at {@code out[base ..]}. */
    void draw(int index, float[] out, int base) {
        Rng rng = new Rng(seed * 0x9e3779b97f4a7c15L + index * 0xc2b2ae3d27d4eb4fL + 0x165667b19e3779f9L);
        Canvas canvas = new Canvas(size, out, base);
        if (style == Style.SINGLE) {
            flatBackground(rng, canvas);
            shape(rng, canvas, kindOf(index), SINGLE_SHAPE);
            return;
        }
        background(rng, canvas);
        int shapes = 2 + (int) rng.nextLong(4), kind = kindOf(index);
        for (int s = 0; s < shapes; s++) shape(rng, canvas, kind, SCENE_SHAPE);
    }

    /** The shape kind of image {@code index}, from its own generator (independent of the drawing's). */
    private int kindOf(int index) {
        return (int) new Rng(seed * 0x632be59bd9b4e019L + index * 0x85157af5L + 0x4cf5ad432745937fL).nextLong(CLASSES.size());
    }

    // ---------------------------------------------------------------- backgrounds

    /** The single-shape style's colours: a few muted backgrounds, a few saturated inks (no class owns a colour). */
    private static final float[][] FLAT_BACKGROUNDS = {
            {0.25f, 0.27f, 0.32f}, {0.78f, 0.76f, 0.70f}, {0.42f, 0.52f, 0.45f}, {0.55f, 0.45f, 0.60f}};
    private static final float[][] INKS = {
            {0.90f, 0.20f, 0.15f}, {0.15f, 0.65f, 0.25f}, {0.20f, 0.35f, 0.90f}, {0.95f, 0.80f, 0.10f}, {0.85f, 0.25f, 0.80f}, {0.10f, 0.80f, 0.85f}};

    /** One muted colour from a small palette everywhere. */
    private void flatBackground(Rng rng, Canvas c) {
        float[] a = FLAT_BACKGROUNDS[(int) rng.nextLong(FLAT_BACKGROUNDS.length)];
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
                for (int ch = 0; ch < 3; ch++) c.set(ch, x, y, a[ch]);
    }

    private void background(Rng rng, Canvas c) {
        float[] a = randomColour(rng, 0.15f, 0.6f, 0.35f, 0.95f);
        float[] b = randomColour(rng, 0.15f, 0.6f, 0.35f, 0.95f);
        int kind = (int) rng.nextLong(5);
        double angle = rng.nextDouble() * Math.PI;
        double ca = Math.cos(angle), sa = Math.sin(angle);
        double period = size * (0.12 + 0.3 * rng.nextDouble()); // stripe/checker period in pixels
        double cx = size * rng.nextDouble(), cy = size * rng.nextDouble();
        double phase = rng.nextDouble() * 2 * Math.PI;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double px = x + 0.5, py = y + 0.5;
                double u = (px * ca + py * sa) / size; // position along the texture direction
                double t = switch (kind) {
                    case 0 -> clamp01(0.5 + (u - 0.7) * 1.2); // linear gradient
                    case 1 -> clamp01(Math.hypot(px - cx, py - cy) / (size * 0.9)); // radial gradient
                    case 2 -> 0.5 + 0.5 * Math.sin(2 * Math.PI * u * size / period + phase); // soft stripes
                    case 3 -> { // checkerboard with slightly softened edges, rotated
                        double v = (-px * sa + py * ca) / period, w = u * size / period;
                        double sx = Math.sin(Math.PI * w), sy = Math.sin(Math.PI * v);
                        yield clamp01(0.5 + 2.5 * sx * sy);
                    }
                    default -> { // two crossing sine waves: a smooth plaid
                        double v = (-px * sa + py * ca) / period;
                        yield 0.5 + 0.25 * Math.sin(2 * Math.PI * u * size / period + phase) + 0.25 * Math.sin(2 * Math.PI * v);
                    }
                };
                for (int ch = 0; ch < 3; ch++) c.set(ch, x, y, (float) (a[ch] + (b[ch] - a[ch]) * t));
            }
        }
    }

    // ---------------------------------------------------------------- shapes

    private interface Inside {
        boolean test(double x, double y);
    }

    /**
     * How shapes are drawn: radius {@code size·(rMin + rSpan·u)}, centre {@code size·(cMin + cSpan·u)}
     * on each axis; a random saturated colour shaded by up to ±20%, or a flat ink from {@link #INKS}; rotated by
     * tiltFrom + tiltSpan·u radians.
     */
    private record ShapeLook(double rMin, double rSpan, double cMin, double cSpan, boolean paletteInk, double tiltFrom, double tiltSpan) {}

    private static final ShapeLook SCENE_SHAPE = new ShapeLook(0.1, 0.17, 0.1, 0.8, false, 0, 2 * Math.PI);
    /** Large, near the centre, tilted by at most 20°: rectangles keep level edges a 16-pixel image can show. */
    private static final ShapeLook SINGLE_SHAPE = new ShapeLook(0.28, 0.08, 0.42, 0.16, true, -Math.toRadians(20), Math.toRadians(40));

    /** Draws one random shape of the given kind. */
    private void shape(Rng rng, Canvas c, int kind, ShapeLook look) {
        float[] colour = look.paletteInk() ? INKS[(int) rng.nextLong(INKS.length)] : randomColour(rng, 0.55f, 1f, 0.45f, 1f);
        double r = size * (look.rMin() + look.rSpan() * rng.nextDouble());
        double cx = size * (look.cMin() + look.cSpan() * rng.nextDouble()), cy = size * (look.cMin() + look.cSpan() * rng.nextDouble());
        double rot = look.tiltFrom() + look.tiltSpan() * rng.nextDouble();
        double cr = Math.cos(rot), sr = Math.sin(rot);
        rng.nextLong(4); // where the kind was drawn before images had labels: kept so every other value stays the same
        Inside inside;
        switch (kind) {
            case 0 -> inside = (x, y) -> sq(x - cx) + sq(y - cy) <= r * r;
            case 1 -> {
                double inner = r * (0.45 + 0.25 * rng.nextDouble());
                inside = (x, y) -> {
                    double d = sq(x - cx) + sq(y - cy);
                    return d <= r * r && d >= inner * inner;
                };
            }
            case 2 -> {
                double hw = r * (0.6 + 0.5 * rng.nextDouble()), hh = r * (0.4 + 0.5 * rng.nextDouble());
                inside = (x, y) -> {
                    double u = (x - cx) * cr + (y - cy) * sr, v = -(x - cx) * sr + (y - cy) * cr;
                    return Math.abs(u) <= hw && Math.abs(v) <= hh;
                };
            }
            default -> {
                double[] vx = new double[3], vy = new double[3];
                for (int k = 0; k < 3; k++) {
                    double a = rot + k * 2 * Math.PI / 3 + (rng.nextDouble() - 0.5) * 0.8;
                    double rr = r * (1.0 + 0.3 * rng.nextDouble());
                    vx[k] = cx + rr * Math.cos(a);
                    vy[k] = cy + rr * Math.sin(a);
                }
                inside = (x, y) -> {
                    double d0 = edge(vx[0], vy[0], vx[1], vy[1], x, y);
                    double d1 = edge(vx[1], vy[1], vx[2], vy[2], x, y);
                    double d2 = edge(vx[2], vy[2], vx[0], vy[0], x, y);
                    return (d0 >= 0 && d1 >= 0 && d2 >= 0) || (d0 <= 0 && d1 <= 0 && d2 <= 0);
                };
            }
        }
        // light from a random side: the colour brightens/darkens by up to ±20% across the shape
        double light = rng.nextDouble() * 2 * Math.PI;
        double lx = Math.cos(light), ly = Math.sin(light);
        double reach = r * 1.35;
        int x0 = Math.max(0, (int) Math.floor(cx - reach)), x1 = Math.min(size - 1, (int) Math.ceil(cx + reach));
        int y0 = Math.max(0, (int) Math.floor(cy - reach)), y1 = Math.min(size - 1, (int) Math.ceil(cy + reach));
        for (int y = y0; y <= y1; y++) {
            for (int x = x0; x <= x1; x++) {
                float cover = coverage(inside, x, y);
                if (cover == 0) continue;
                double shade = look.paletteInk() ? 1 : 1 + 0.2 * ((x + 0.5 - cx) * lx + (y + 0.5 - cy) * ly) / reach;
                for (int ch = 0; ch < 3; ch++) {
                    float ink = (float) clamp01(colour[ch] * shade);
                    float old = c.get(ch, x, y);
                    c.set(ch, x, y, old + (ink - old) * cover);
                }
            }
        }
    }

    /**
     * The fraction of pixel (x, y) inside the shape. The outermost subsamples and the centre decide
     * the pixel when they agree (shapes are never thinner than a pixel at these sizes); only edge
     * pixels pay for the full grid.
     */
    private static float coverage(Inside inside, int x, int y) {
        double lo = 0.5 / SUPERSAMPLE, hi = 1 - lo;
        boolean c = inside.test(x + 0.5, y + 0.5);
        if (c == inside.test(x + lo, y + lo) && c == inside.test(x + hi, y + lo)
                && c == inside.test(x + lo, y + hi) && c == inside.test(x + hi, y + hi)) return c ? 1f : 0f;
        int hits = 0;
        for (int sy = 0; sy < SUPERSAMPLE; sy++)
            for (int sx = 0; sx < SUPERSAMPLE; sx++)
                if (inside.test(x + (sx + 0.5) / SUPERSAMPLE, y + (sy + 0.5) / SUPERSAMPLE)) hits++;
        return hits / (float) (SUPERSAMPLE * SUPERSAMPLE);
    }

    /** Signed area test: which side of the edge a→b the point lies on. */
    private static double edge(double ax, double ay, double bx, double by, double x, double y) {
        return (bx - ax) * (y - ay) - (by - ay) * (x - ax);
    }

    /** An RGB colour from a random hue with saturation and value in the given ranges (HSV → RGB). */
    private static float[] randomColour(Rng rng, float sLo, float sHi, float vLo, float vHi) {
        double h = rng.nextDouble() * 6;
        double s = sLo + (sHi - sLo) * rng.nextDouble();
        double v = vLo + (vHi - vLo) * rng.nextDouble();
        int sector = (int) h;
        double f = h - sector;
        double p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f));
        double[] rgb = switch (sector) {
            case 0 -> new double[] {v, t, p};
            case 1 -> new double[] {q, v, p};
            case 2 -> new double[] {p, v, t};
            case 3 -> new double[] {p, q, v};
            case 4 -> new double[] {t, p, v};
            default -> new double[] {v, p, q};
        };
        return new float[] {(float) rgb[0], (float) rgb[1], (float) rgb[2]};
    }

    private static double sq(double v) {
        return v * v;
    }

    private static double clamp01(double v) {
        return v < 0 ? 0 : Math.min(1, v);
    }

    /** A [3, size, size] float image inside a larger array. */
    private record Canvas(int size, float[] px, int base) {
        float get(int ch, int x, int y) {
            return px[base + (ch * size + y) * size + x];
        }

        void set(int ch, int x, int y, float v) {
            px[base + (ch * size + y) * size + x] = v;
        }
    }
}
