package dev.vq4j.opencl;

import dev.vq4j.core.View;
import dev.vq4j.kernels.device.DeviceCheck;
import org.junit.jupiter.api.Test;

/** The fused Adam / AdamW step on the device against the reference: L2 decay, AdamW, AMSGrad, views at an offset. */
class OpenClOptimTest {
    private final DeviceCheck c = new DeviceCheck(OpenClTesting.backend(), 21);

    @Test
    void adamStepMatchesTheReference() {
        for (int variant = 0; variant < 3; variant++) {
            boolean decoupled = variant == 2, amsgrad = variant == 1;
            float wd = variant == 0 ? 0f : 0.1f;
            View[] p = c.randn(1037), g = c.randn(1037), m = c.randn(1037), v = square(c.randn(1037)), vmax = square(c.randn(1037));
            int t = 3 + variant;
            double b1 = 0.9, b2 = 0.999, lr = 0.01;
            double stepSize = lr / (1 - Math.pow(b1, t)), bc2Sqrt = Math.sqrt(1 - Math.pow(b2, t));
            for (int i = 0; i < 2; i++)
                (i == 0 ? c.ref : c.dev).adamStep(p[i], g[i], m[i], v[i], amsgrad ? vmax[i] : null, lr, b1, b2, 1e-8, wd, decoupled, stepSize, bc2Sqrt);
            String what = "adam variant " + variant + ": ";
            DeviceCheck.assertClose(what + "param", p, 1e-6);
            DeviceCheck.assertClose(what + "exp_avg", m, 1e-6);
            DeviceCheck.assertClose(what + "exp_avg_sq", v, 1e-6);
            if (amsgrad) DeviceCheck.assertClose(what + "max_exp_avg_sq", vmax, 1e-6);
        }
    }

    /** Squares in place on both (second moments are non-negative). */
    private View[] square(View[] x) {
        c.ref.unary(dev.vq4j.core.UnaryOp.SQUARE, x[0], x[0], 0, 0);
        c.dev.unary(dev.vq4j.core.UnaryOp.SQUARE, x[1], x[1], 0, 0);
        return x;
    }
}
