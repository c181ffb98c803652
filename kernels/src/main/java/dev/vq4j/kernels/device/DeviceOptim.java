package dev.vq4j.kernels.device;

import dev.vq4j.core.DType;
import dev.vq4j.core.Kernel;
import dev.vq4j.core.View;

import java.util.EnumSet;
import java.util.Set;

/** The fused Adam / AdamW step (optim.cl) on contiguous float32 views; scalars rounded to float as {@code ReferenceOptim} does. */
final class DeviceOptim {
    static final Set<Kernel> NATIVE = EnumSet.of(Kernel.ADAM_STEP);

    private DeviceOptim() {}

    static boolean adamStep(DeviceKernelBackend be, View param, View grad, View expAvg, View expAvgSq, View maxExpAvgSq, double lr,
                            double beta1, double beta2, double eps, double weightDecay, boolean decoupled, double stepSize, double bc2Sqrt) {
        for (View v : new View[] {param, grad, expAvg, expAvgSq, maxExpAvgSq})
            if (v != null && (v.dtype() != DType.FLOAT32 || !v.isContiguous())) return false;
        int n = param.numel();
        View vmax = maxExpAvgSq == null ? expAvgSq : maxExpAvgSq; // a valid pointer either way; has_vmax decides
        be.launch1d("adam_step", n, be.arg(param), param.offset(), be.arg(grad), grad.offset(), be.arg(expAvg), expAvg.offset(),
                be.arg(expAvgSq), expAvgSq.offset(), be.arg(vmax), vmax.offset(), maxExpAvgSq == null ? 0 : 1,
                (float) beta1, (float) (1 - beta1), (float) beta2, (float) (1 - beta2), (float) eps, (float) weightDecay,
                (float) (1 - lr * weightDecay), decoupled ? 1 : 0, (float) stepSize, (float) bc2Sqrt, n);
        return true;
    }
}
