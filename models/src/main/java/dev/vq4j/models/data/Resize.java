package dev.vq4j.models.data;

/**
 * Separable resampling of planar [C, H, W] float images. Each axis shrinks by area averaging (every
 * output pixel is the mean of the input span it covers, partial pixels weighted by overlap, like
 * OpenCV's INTER_AREA) and grows by bilinear interpolation with half-pixel centres
 * (align_corners = false, like PyTorch's {@code interpolate(mode="bilinear")}).
 */
public final class Resize {
    private Resize() {}

    /** Resamples {@code px} [c, h, w] to [c, newH, newW]. */
    public static float[] resize(float[] px, int c, int h, int w, int newH, int newW) {
        if (newH < 1 || newW < 1) throw new IllegalArgumentException("resize: target size must be positive, got " + newH + "x" + newW);
        if (newH == h && newW == w) return px.clone();
        Weights wx = Weights.of(w, newW), wy = Weights.of(h, newH);
        float[] rows = new float[c * h * newW];
        for (int ch = 0; ch < c; ch++)
            for (int y = 0; y < h; y++) wx.apply(px, (ch * h + y) * w, 1, rows, (ch * h + y) * newW, 1);
        float[] out = new float[c * newH * newW];
        for (int ch = 0; ch < c; ch++)
            for (int x = 0; x < newW; x++) wy.apply(rows, ch * h * newW + x, newW, out, ch * newH * newW + x, newW);
        return out;
    }

    /** Scales so the shorter side becomes {@code side} (aspect kept, longer side rounded). Returns {h, w}. */
    public static int[] shorterSideTo(int h, int w, int side) {
        if (h <= w) return new int[] {side, Math.max(side, (int) Math.round((double) w * side / h))};
        return new int[] {Math.max(side, (int) Math.round((double) h * side / w)), side};
    }

    /** Copies the window [top, top+outH) × [left, left+outW) of a [c, h, w] image, mirrored left-right if asked. */
    public static float[] crop(float[] px, int c, int h, int w, int top, int left, int outH, int outW, boolean flip) {
        if (top < 0 || left < 0 || top + outH > h || left + outW > w)
            throw new IllegalArgumentException("crop: window " + outH + "x" + outW + " at (" + top + ", " + left + ") outside " + h + "x" + w);
        float[] out = new float[c * outH * outW];
        for (int ch = 0; ch < c; ch++)
            for (int y = 0; y < outH; y++)
                for (int x = 0; x < outW; x++) {
                    int sx = flip ? left + outW - 1 - x : left + x;
                    out[(ch * outH + y) * outW + x] = px[(ch * h + top + y) * w + sx];
                }
        return out;
    }

    /** For each output position along one axis: the input positions it reads and their weights. */
    private record Weights(int[] start, float[][] weight) {
        static Weights of(int in, int out) {
            int[] start = new int[out];
            float[][] weight = new float[out][];
            double scale = (double) in / out;
            for (int o = 0; o < out; o++) {
                if (out < in) { // area: input span [o*scale, (o+1)*scale)
                    double a = o * scale, b = (o + 1) * scale;
                    int i0 = (int) Math.floor(a), i1 = Math.min(in, (int) Math.ceil(b));
                    float[] wt = new float[i1 - i0];
                    for (int i = i0; i < i1; i++) wt[i - i0] = (float) ((Math.min(b, i + 1) - Math.max(a, i)) / scale);
                    start[o] = i0;
                    weight[o] = wt;
                } else { // bilinear, half-pixel centres, edges clamped
                    double src = Math.max(0, (o + 0.5) * scale - 0.5);
                    int i0 = Math.min((int) src, in - 1);
                    int i1 = Math.min(i0 + 1, in - 1);
                    float f = (float) (src - i0);
                    start[o] = i0;
                    weight[o] = i1 == i0 ? new float[] {1f} : new float[] {1 - f, f};
                }
            }
            return new Weights(start, weight);
        }

        void apply(float[] src, int srcBase, int srcStep, float[] dst, int dstBase, int dstStep) {
            for (int o = 0; o < start.length; o++) {
                float[] wt = weight[o];
                double acc = 0;
                int at = srcBase + start[o] * srcStep;
                for (int k = 0; k < wt.length; k++) acc += wt[k] * src[at + k * srcStep];
                dst[dstBase + o * dstStep] = (float) acc;
            }
        }
    }
}
