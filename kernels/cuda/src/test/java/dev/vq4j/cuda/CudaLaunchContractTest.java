package dev.vq4j.cuda;

import dev.vq4j.core.BinaryOp;
import dev.vq4j.core.Conv2dParams;
import dev.vq4j.core.DType;
import dev.vq4j.core.PadMode;
import dev.vq4j.core.Pool2dParams;
import dev.vq4j.core.ReduceOp;
import dev.vq4j.core.UnaryOp;
import dev.vq4j.core.UpsampleMode;
import dev.vq4j.core.View;
import dev.vq4j.core.Kernel;
import dev.vq4j.kernels.device.DeviceCheck;
import dev.vq4j.kernels.device.DeviceKernelBackend;
import dev.vq4j.kernels.device.KernelCalls;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Without a GPU: every kernel launch the shared backend makes for a spread of ops is checked against
 * the CUDA PTX (the kernel exists, the grid fits, each argument has the kind and size of its PTX
 * parameter; CUDA checks none of this). Nothing runs, so results are not compared: CudaBackendTest
 * does that on a GPU. Ops a group does not run natively yet fall back to the host and launch nothing.
 */
class CudaLaunchContractTest {
    private final Map<String, List<CudaPtx.Param>> signatures = CudaPtx.entries(CudaTesting.ptx(CudaPtx.TARGETS.getFirst()));
    private final DeviceKernelBackend be = RecordingCudaApi.backend(0, signatures);
    private final RecordingCudaApi api = (RecordingCudaApi) be.api();

    private View f32(int... shape) {
        return View.contiguous(be.allocate(DType.FLOAT32, dev.vq4j.core.Shapes.numel(shape)), shape);
    }

    private View of(DType dtype, int... shape) {
        return View.contiguous(be.allocate(dtype, dev.vq4j.core.Shapes.numel(shape)), shape);
    }

    @Test
    void elementwiseLaunchesMatchThePtx() {
        View x = f32(5, 7, 3), xt = new View(x.buffer(), new int[] {3, 7, 5}, new int[] {1, 3, 21}, 0), out = f32(3, 7, 5);
        for (UnaryOp op : UnaryOp.values()) be.unary(op, xt, out, 0.5f, 2f);
        View a = f32(4, 1, 6), b = f32(1, 5, 6);
        View ae = new View(a.buffer(), new int[] {4, 5, 6}, new int[] {6, 0, 1}, 0), bx = new View(b.buffer(), new int[] {4, 5, 6}, new int[] {0, 6, 1}, 0);
        for (BinaryOp op : BinaryOp.values()) {
            DType t = op.isLogical() || op.isComparison() ? DType.BOOL : DType.FLOAT32;
            View l = op.isLogical() ? of(DType.BOOL, 4, 5, 6) : ae, r = op.isLogical() ? of(DType.BOOL, 4, 5, 6) : bx;
            be.binary(op, l, r, of(t, 4, 5, 6));
        }
        for (DType from : DType.values()) {
            View src = of(from, 3, 4, 5);
            be.fill(src, 1.0);
            for (DType to : DType.values()) be.copy(new View(src.buffer(), new int[] {5, 4, 3}, new int[] {1, 5, 20}, 0), of(to, 5, 4, 3));
        }
        be.where(of(DType.BOOL, 6, 7), f32(6, 7), f32(6, 7), f32(6, 7));
        assertTrue(api.launched.containsAll(List.of("fill_f32", "unary_f32", "binary_f32", "where_f32", "copy_u8_i64")), api.launched.toString());
    }

    /**
     * {@code supports(kernel)} is true for every kernel on CUDA, and an ordinary call of each (KernelCalls, the
     * calls OpenClSupportsTest runs on a device) launches kernels that match the PTX and never takes the host fallback.
     */
    @Test
    void everyKernelIsSupportedAndItsCallLaunchesWithoutFallingBack() {
        DeviceCheck c = new DeviceCheck(be, 3);
        for (Kernel k : Kernel.values()) {
            assertTrue(be.supports(k), k.id());
            KernelCalls.Call call = KernelCalls.prepare(k, c);
            int launched = api.launches;
            call.onDevice().run();
            for (Kernel o : Kernel.values()) assertEquals(0, be.hostCalls(o), k.id() + " sent a " + o.id() + " call to the host");
            assertTrue(api.launches > launched || k == Kernel.COPY, k.id() + " launched nothing");
        }
    }

    /** Whatever the other groups launch today (nothing where they still fall back) must match the PTX too. */
    @Test
    void otherGroupsLaunchesMatchThePtx() {
        be.reduce(ReduceOp.SUM, f32(3, 50), 1, f32(3));
        be.reduce(ReduceOp.ARGMAX, f32(3, 50), 1, of(DType.INT64, 3));
        be.matmul(f32(2, 5, 7), f32(2, 7, 3), f32(2, 5, 3));
        Conv2dParams cp = new Conv2dParams(1, 1, 1, 1, 1, 1, 1);
        be.conv2d(f32(2, 3, 9, 9), f32(4, 3, 3, 3), f32(2, 4, 9, 9), cp);
        be.conv2dInputGrad(f32(2, 4, 9, 9), f32(4, 3, 3, 3), f32(2, 3, 9, 9), cp);
        be.conv2dWeightGrad(f32(2, 3, 9, 9), f32(2, 4, 9, 9), f32(4, 3, 3, 3), cp);
        Pool2dParams pp = new Pool2dParams(2, 2, 2, 2, 0, 0, false, true);
        be.maxPool2d(f32(2, 3, 8, 8), f32(2, 3, 4, 4), of(DType.INT64, 2, 3, 4, 4), pp);
        be.avgPool2d(f32(2, 3, 8, 8), f32(2, 3, 4, 4), pp);
        be.avgPool2dBackward(f32(2, 3, 4, 4), f32(2, 3, 8, 8), pp);
        be.upsample2d(UpsampleMode.NEAREST, false, f32(2, 3, 4, 4), f32(2, 3, 8, 8));
        be.upsample2dBackward(UpsampleMode.BILINEAR, false, f32(2, 3, 8, 8), f32(2, 3, 4, 4));
        be.pad(PadMode.CONSTANT, new int[] {1, 1, 1, 1}, 0f, f32(2, 3, 4, 4), f32(2, 3, 6, 6));
        be.padBackward(PadMode.REFLECT, new int[] {1, 1, 1, 1}, f32(2, 3, 6, 6), f32(2, 3, 4, 4));
        View idx = of(DType.INT64, 4);
        be.indexSelect(f32(6, 5), 0, idx, f32(4, 5));
        be.indexAdd(f32(6, 5), 0, idx, f32(4, 5));
        View gi = of(DType.INT64, 4, 5);
        be.gather(f32(6, 5), 0, gi, f32(4, 5));
        be.scatterAdd(f32(6, 5), 0, gi, f32(4, 5));
        be.nearestCodes(f32(10, 8), f32(16, 8), 1, false, of(DType.INT64, 10, 1), f32(10, 1));
        be.nearestCodes(f32(10, 8), f32(16, 8), 3, true, of(DType.INT64, 10, 3), f32(10, 3));
        be.attention(f32(1, 2, 5, 8), f32(1, 2, 6, 8), f32(1, 2, 6, 8), f32(1, 2, 5, 8), f32(1, 2, 5), 0.35f, false);
        be.groupNorm(f32(2, 4, 9), f32(4), f32(4), 2, 1e-5f, true, f32(2, 4, 9), f32(2, 2), f32(2, 2));
        be.softmax(f32(3, 11), f32(3, 11), false);
        be.softmaxBackward(f32(3, 11), f32(3, 11), f32(3, 11), true);
        System.out.println("CudaLaunchContractTest: kernels launched by the other groups: " + api.launched);
    }
}
