package dev.vq4j.kernels.reference;

import dev.vq4j.core.View;
import dev.vq4j.kernels.HostBuffer;

/**
 * The fused Adam / AdamW step of {@link dev.vq4j.core.Backend#adamStep}, in float in PyTorch's order
 * of operations (its scalars formed in double and rounded to float once), so it follows
 * torch.optim.Adam to float rounding.
 */
final class ReferenceOptim {
    private ReferenceOptim() {}

    static void adamStep(View param, View grad, View expAvg, View expAvgSq, View maxExpAvgSq, double lr, double beta1, double beta2,
                         double eps, double weightDecay, boolean decoupled, double stepSize, double bc2Sqrt) {
        float[] p = floats(param), g = floats(grad), m = floats(expAvg), v = floats(expAvgSq);
        float[] vmax = maxExpAvgSq == null ? null : floats(maxExpAvgSq);
        int po = param.offset(), go = grad.offset(), mo = expAvg.offset(), vo = expAvgSq.offset(), xo = vmax == null ? 0 : maxExpAvgSq.offset();
        float b1 = (float) beta1, c1 = (float) (1 - beta1), b2 = (float) beta2, c2 = (float) (1 - beta2);
        float decay = (float) (1 - lr * weightDecay), wd = (float) weightDecay, e = (float) eps, step = (float) stepSize, bc2 = (float) bc2Sqrt;
        for (int i = 0, n = param.numel(); i < n; i++) {
            float pi = p[po + i], gi = g[go + i];
            if (decoupled) pi = pi * decay;
            else if (wd != 0) gi = gi + wd * pi;
            float mi = m[mo + i] * b1 + c1 * gi;
            float vi = v[vo + i] * b2 + c2 * (gi * gi);
            m[mo + i] = mi;
            v[vo + i] = vi;
            float second = vi;
            if (vmax != null) {
                second = Math.max(vmax[xo + i], vi);
                vmax[xo + i] = second;
            }
            p[po + i] = pi - step * (mi / ((float) Math.sqrt(second) / bc2 + e));
        }
    }

    private static float[] floats(View v) {
        return ((HostBuffer) v.buffer()).floats();
    }
}
