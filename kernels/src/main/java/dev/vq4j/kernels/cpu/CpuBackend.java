package dev.vq4j.kernels.cpu;

import dev.vq4j.core.Conv2dParams;
import dev.vq4j.core.Device;
import dev.vq4j.core.Parallel;
import dev.vq4j.core.View;
import dev.vq4j.kernels.reference.ReferenceBackend;

/**
 * The fast host backend. Kernels written on {@code jdk.incubator.vector} override the reference
 * ones here as they land; every kernel not yet overridden runs the reference loop, so the cpu
 * backend is always complete and always agrees with the reference.
 */
public class CpuBackend extends ReferenceBackend {
    public CpuBackend() {
        super(Device.CPU);
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public String describe() {
        return "cpu: host memory, " + Parallel.threads() + " threads (kernels not yet vectorised run the reference loops)";
    }

    @Override
    public void conv2d(View x, View w, View out, Conv2dParams p) {
        CpuConv.forward(host(x), host(w), host(out), p);
    }

    @Override
    public void conv2dInputGrad(View gradOut, View w, View gradIn, Conv2dParams p) {
        CpuConv.inputGrad(host(gradOut), host(w), host(gradIn), p);
    }

    @Override
    public void conv2dWeightGrad(View x, View gradOut, View gradW, Conv2dParams p) {
        CpuConv.weightGrad(host(x), host(gradOut), host(gradW), p);
    }

    @Override
    public void attention(View q, View k, View v, View out, View logsumexp, float scale, boolean causal) {
        dev.vq4j.kernels.cpu.attention.CpuAttention.forward(host(q), host(k), host(v), host(out), host(logsumexp), scale, causal);
    }

    @Override
    public void attentionBackward(View q, View k, View v, View out, View logsumexp, View gradOut,
                                  View gradQ, View gradK, View gradV, float scale, boolean causal) {
        dev.vq4j.kernels.cpu.attention.CpuAttention.backward(host(q), host(k), host(v), host(out), host(logsumexp), host(gradOut),
                host(gradQ), host(gradK), host(gradV), scale, causal);
    }
}
