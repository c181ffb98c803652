package dev.vq4j.kernels.cpu;

import dev.vq4j.core.Conv2dParams;
import dev.vq4j.core.Device;
import dev.vq4j.core.Parallel;
import dev.vq4j.core.View;
import dev.vq4j.kernels.HostBuffer;
import dev.vq4j.kernels.cpu.gemm.GemmOut;
import dev.vq4j.kernels.cpu.gemm.Sgemm;
import dev.vq4j.kernels.cpu.gemm.StridedPanel;
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

    /** [B,M,K]·[B,K,N] on the packed Vector API SGEMM; any strides, including broadcast (stride 0) batches. */
    @Override
    public void matmul(View a, View b, View out) {
        View A = host(a), B = host(b), C = host(out);
        int[] as = A.strides(), bs = B.strides(), cs = C.strides();
        Sgemm.multiply(C.shape()[0], C.shape()[1], C.shape()[2], A.shape()[2],
                StridedPanel.left(floats(A), A.offset(), as[0], as[1], as[2]),
                StridedPanel.right(floats(B), B.offset(), bs[0], bs[1], bs[2]),
                GemmOut.strided(floats(C), C.offset(), cs[0], cs[1], cs[2]), false);
    }

    private static float[] floats(View v) {
        return ((HostBuffer) v.buffer()).floats();
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
    public void nearestCodes(View x, View codes, int topK, boolean cosine, View outIndices, View outDistances) {
        dev.vq4j.kernels.cpu.search.CodebookSearch.nearestCodes(host(x), host(codes), topK, cosine, host(outIndices), host(outDistances));
    }
}
