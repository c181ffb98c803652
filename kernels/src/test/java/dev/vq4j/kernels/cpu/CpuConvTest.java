package dev.vq4j.kernels.cpu;

import dev.vq4j.core.Backend;
import dev.vq4j.core.Conv2dParams;
import dev.vq4j.core.DType;
import dev.vq4j.core.Parallel;
import dev.vq4j.core.Rng;
import dev.vq4j.core.Shapes;
import dev.vq4j.core.View;
import dev.vq4j.kernels.HostBuffer;
import dev.vq4j.kernels.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The cpu conv kernels against the reference loops on random geometries: strides, padding,
 * dilation, groups, odd and rectangular sizes, tiles larger than one block, and inputs seen through
 * NHWC-permuted, sliced and broadcast views. Outputs start as NaN to prove every element is written.
 */
class CpuConvTest {
    /** OpCheck.REDUCTION: the cpu kernels accumulate in float FMA chains (like any SGEMM), the reference in double. */
    private static final double TOL = 1e-4;
    private final Backend ref = new ReferenceBackend();
    private final Backend cpu = new CpuBackend();

    private enum Layout { CONTIGUOUS, NHWC, SLICED, OFFSET }

    /** Geometry of one conv: input [n, c, h, w], weight [o, c/groups, kh, kw]; extraH/W grow gradIn like output_padding. */
    private record Case(int n, int c, int h, int w, int o, int kh, int kw, Conv2dParams p, int extraH, int extraW) {
        int ho() { return p.outH(h, kh); }
        int wo() { return p.outW(w, kw); }
        /** Input size of the transposed direction: what a conv_transpose2d would produce (at least 1), plus the extra rows. */
        int gradInH() { return Math.max(1, (ho() - 1) * p.strideH() - 2 * p.padH() + p.dilationH() * (kh - 1) + 1) + extraH; }
        int gradInW() { return Math.max(1, (wo() - 1) * p.strideW() - 2 * p.padW() + p.dilationW() * (kw - 1) + 1) + extraW; }
    }

    @Test
    void fixedGeometries() {
        check(new Case(2, 3, 7, 9, 4, 3, 3, new Conv2dParams(1, 1, 1, 1, 1, 1, 1), 0, 0), Layout.CONTIGUOUS, 1);
        check(new Case(1, 4, 8, 8, 6, 1, 1, Conv2dParams.of(1, 0), 0, 0), Layout.NHWC, 2);
        check(new Case(3, 4, 9, 7, 4, 4, 4, new Conv2dParams(2, 2, 1, 1, 1, 1, 1), 1, 1), Layout.SLICED, 3);
        check(new Case(2, 6, 11, 10, 6, 3, 3, new Conv2dParams(1, 1, 2, 2, 2, 2, 6), 0, 0), Layout.OFFSET, 4); // depthwise, dilated
        check(new Case(2, 4, 10, 13, 6, 3, 2, new Conv2dParams(2, 3, 1, 0, 1, 2, 2), 1, 2), Layout.NHWC, 5); // rectangular, groups 2
        check(new Case(2, 40, 19, 17, 36, 3, 3, new Conv2dParams(1, 1, 1, 1, 1, 1, 1), 0, 0), Layout.CONTIGUOUS, 6); // several tiles
        check(new Case(1, 3, 5, 5, 2, 5, 5, new Conv2dParams(3, 3, 0, 0, 1, 1, 1), 2, 2), Layout.CONTIGUOUS, 7); // a single output
        check(new Case(2, 3, 16, 12, 3, 11, 11, new Conv2dParams(1, 1, 0, 0, 1, 1, 3), 0, 0), Layout.CONTIGUOUS, 8); // SSIM's depthwise 11x11 window
        check(new Case(1, 2, 4, 4, 2, 9, 9, new Conv2dParams(1, 1, 4, 4, 1, 1, 1), 0, 0), Layout.CONTIGUOUS, 9); // taps whose whole row lies in the padding
    }

    /** The VQGAN shapes at small spatial size: large enough for several GEMM tiles and KC blocks. */
    @Test
    void vqganShapes() {
        check(new Case(2, 64, 12, 12, 64, 3, 3, Conv2dParams.of(1, 1), 0, 0), Layout.CONTIGUOUS, 11); // 3x3 s1 p1
        check(new Case(2, 32, 17, 17, 32, 3, 3, Conv2dParams.of(2, 0), 0, 0), Layout.CONTIGUOUS, 12); // 3x3 s2 after (0,1,0,1) pad of 16x16
        check(new Case(2, 96, 8, 8, 40, 1, 1, Conv2dParams.of(1, 0), 0, 0), Layout.NHWC, 13); // 1x1
        check(new Case(2, 16, 18, 18, 24, 4, 4, Conv2dParams.of(2, 1), 0, 0), Layout.CONTIGUOUS, 14); // PatchGAN 4x4 s2
        check(new Case(2, 3, 24, 24, 128, 3, 3, Conv2dParams.of(1, 1), 0, 0), Layout.CONTIGUOUS, 15); // first layer 3->128
        check(new Case(1, 300, 6, 6, 20, 3, 3, Conv2dParams.of(1, 1), 0, 0), Layout.SLICED, 16); // depth over several KC blocks
        check(new Case(2, 40, 17, 16, 36, 3, 3, Conv2dParams.of(1, 1), 0, 0), Layout.SLICED, 17); // channels-last weight gradient, strided positions
    }

    @Test
    void randomGeometries() {
        Rng rng = new Rng(20240611);
        Layout[] layouts = Layout.values();
        for (int t = 0; t < 60; t++) {
            int groups = 1 + (int) rng.nextLong(3);
            int kh = 1 + (int) rng.nextLong(4), kw = 1 + (int) rng.nextLong(4);
            int sh = 1 + (int) rng.nextLong(3), sw = 1 + (int) rng.nextLong(3);
            int dh = 1 + (int) rng.nextLong(2), dw = 1 + (int) rng.nextLong(2);
            int ph = (int) rng.nextLong(3), pw = (int) rng.nextLong(3);
            int h = Math.max(1, dh * (kh - 1) + 1 - 2 * ph) + (int) rng.nextLong(9);
            int w = Math.max(1, dw * (kw - 1) + 1 - 2 * pw) + (int) rng.nextLong(9);
            Case c = new Case(1 + (int) rng.nextLong(3), groups * (1 + (int) rng.nextLong(4)), h, w, groups * (1 + (int) rng.nextLong(4)),
                    kh, kw, new Conv2dParams(sh, sw, ph, pw, dh, dw, groups), (int) rng.nextLong(sh), (int) rng.nextLong(sw));
            if (c.ho() < 1 || c.wo() < 1) continue;
            check(c, layouts[t % layouts.length], 100 + t);
        }
    }

    /** Gradients that come from a sum are broadcast views (stride 0): the kernels must read them as such. */
    @Test
    void broadcastGradOut() {
        Case c = new Case(2, 4, 6, 5, 3, 3, 3, new Conv2dParams(2, 1, 1, 1, 1, 1, 1), 1, 0);
        Rng rng = new Rng(7);
        View x = random(rng, Layout.CONTIGUOUS, c.n(), c.c(), c.h(), c.w());
        View w = random(rng, Layout.CONTIGUOUS, c.o(), c.c() / c.p().groups(), c.kh(), c.kw());
        View one = random(rng, Layout.CONTIGUOUS, 1, c.o(), 1, 1);
        View g = new View(one.buffer(), new int[] {c.n(), c.o(), c.ho(), c.wo()}, new int[] {0, 1, 0, 0}, 0);
        compareInputGrad(c, g, w, "broadcast");
        compareWeightGrad(c, x, g, "broadcast");
    }

    @Test
    void bitIdenticalAcrossThreadCounts() {
        Case c = new Case(3, 16, 21, 19, 20, 3, 3, new Conv2dParams(2, 2, 1, 1, 1, 1, 2), 1, 1);
        Rng rng = new Rng(11);
        View x = random(rng, Layout.NHWC, c.n(), c.c(), c.h(), c.w());
        View w = random(rng, Layout.CONTIGUOUS, c.o(), c.c() / c.p().groups(), c.kh(), c.kw());
        View g = random(rng, Layout.CONTIGUOUS, c.n(), c.o(), c.ho(), c.wo());
        int saved = Parallel.threads();
        try {
            Parallel.setThreads(1);
            float[][] single = allThree(c, x, w, g);
            Parallel.setThreads(4);
            float[][] four = allThree(c, x, w, g);
            for (int k = 0; k < 3; k++) assertArrayEquals(single[k], four[k], "kernel " + k + " differs between 1 and 4 threads");
        } finally {
            Parallel.setThreads(saved);
        }
    }

    /** Stride 1, ungrouped: the few-channel paths (col2im input gradient, row-dot weight gradient) and the GEMM paths. */
    @Test
    void bitIdenticalAcrossThreadCountsStrideOne() {
        Case[] cases = {
                new Case(2, 3, 40, 37, 20, 3, 3, Conv2dParams.of(1, 1), 0, 0),
                new Case(2, 5, 19, 23, 9, 3, 3, new Conv2dParams(1, 1, 2, 1, 2, 1, 1), 0, 0),
                new Case(2, 24, 13, 18, 30, 3, 3, Conv2dParams.of(1, 1), 0, 0),
                new Case(2, 20, 18, 40, 3, 3, 3, Conv2dParams.of(1, 1), 0, 0), // the last layer: 3 output channels
                new Case(2, 6, 11, 21, 7, 2, 4, new Conv2dParams(1, 1, 1, 2, 1, 1, 1), 0, 0), // edge blocks: o 4+3, j 3+1
                // channels-last weight gradient (>= 256 positions): 40 channels split slivers across taps; several images per GEMM
                new Case(2, 40, 17, 16, 36, 3, 3, Conv2dParams.of(1, 1), 0, 0),
                new Case(3, 34, 16, 16, 20, 3, 3, Conv2dParams.of(1, 1), 0, 0),
                new Case(2, 12, 21, 23, 10, 2, 3, new Conv2dParams(1, 1, 0, 2, 2, 1, 1), 0, 0)};
        for (Case c : cases) {
            Rng rng = new Rng(13);
            View x = random(rng, Layout.SLICED, c.n(), c.c(), c.h(), c.w());
            View w = random(rng, Layout.CONTIGUOUS, c.o(), c.c() / c.p().groups(), c.kh(), c.kw());
            View g = random(rng, Layout.CONTIGUOUS, c.n(), c.o(), c.ho(), c.wo());
            compareInputGrad(c, g, w, "stride one");
            compareWeightGrad(c, x, g, "stride one");
            int saved = Parallel.threads();
            try {
                Parallel.setThreads(1);
                float[][] single = allThree(c, x, w, g);
                Parallel.setThreads(3);
                float[][] three = allThree(c, x, w, g);
                for (int k = 0; k < 3; k++) assertArrayEquals(single[k], three[k], c + ": kernel " + k + " differs between 1 and 3 threads");
            } finally {
                Parallel.setThreads(saved);
            }
        }
    }

    private float[][] allThree(Case c, View x, View w, View g) {
        View out = nan(c.n(), c.o(), c.ho(), c.wo());
        cpu.conv2d(x, w, out, c.p());
        View gi = nan(c.n(), c.c(), c.gradInH(), c.gradInW());
        cpu.conv2dInputGrad(g, w, gi, c.p());
        View gw = nan(c.o(), c.c() / c.p().groups(), c.kh(), c.kw());
        cpu.conv2dWeightGrad(x, g, gw, c.p());
        return new float[][] {floats(out), floats(gi), floats(gw)};
    }

    private void check(Case c, Layout layout, long seed) {
        Rng rng = new Rng(seed);
        String what = c + " " + layout;
        View x = random(rng, layout, c.n(), c.c(), c.h(), c.w());
        View w = random(rng, layout == Layout.SLICED ? Layout.NHWC : Layout.CONTIGUOUS, c.o(), c.c() / c.p().groups(), c.kh(), c.kw());
        View g = random(rng, layout, c.n(), c.o(), c.ho(), c.wo());

        View expected = nan(c.n(), c.o(), c.ho(), c.wo()), actual = nan(c.n(), c.o(), c.ho(), c.wo());
        ref.conv2d(x, w, expected, c.p());
        cpu.conv2d(x, w, actual, c.p());
        compare("forward " + what, expected, actual);

        compareInputGrad(c, g, w, what);
        compareWeightGrad(c, x, g, what);
    }

    private void compareInputGrad(Case c, View g, View w, String what) {
        int[] shape = {c.n(), c.c(), c.gradInH(), c.gradInW()};
        View expected = nan(shape), actual = nan(shape);
        ref.conv2dInputGrad(g, w, expected, c.p());
        cpu.conv2dInputGrad(g, w, actual, c.p());
        compare("inputGrad " + what, expected, actual);
    }

    private void compareWeightGrad(Case c, View x, View g, String what) {
        int[] shape = {c.o(), c.c() / c.p().groups(), c.kh(), c.kw()};
        View expected = nan(shape), actual = nan(shape);
        ref.conv2dWeightGrad(x, g, expected, c.p());
        cpu.conv2dWeightGrad(x, g, actual, c.p());
        compare("weightGrad " + what, expected, actual);
    }

    /** Error per element as OpCheck measures it: relative, with a floor of 1% of the largest magnitude. */
    private static void compare(String what, View expected, View actual) {
        float[] e = floats(expected), a = floats(actual);
        assertEquals(e.length, a.length);
        double max = 0;
        for (float v : e) {
            if (Float.isNaN(v)) fail(what + ": the reference left an element unwritten");
            max = Math.max(max, Math.abs(v));
        }
        double floor = Math.max(1e-2 * max, 1e-30);
        for (int i = 0; i < e.length; i++) {
            double err = Math.abs((double) a[i] - e[i]) / Math.max(Math.abs(e[i]), floor);
            if (!(err <= TOL)) fail(what + ": element " + i + " is " + a[i] + ", reference " + e[i] + " (error " + err + ")");
        }
    }

    /** Random normal values with the given logical NCHW shape, stored in one of several layouts. */
    private View random(Rng rng, Layout layout, int... shape) {
        int n = shape[0], c = shape[1], h = shape[2], w = shape[3];
        return switch (layout) {
            case CONTIGUOUS -> View.contiguous(filled(rng, Shapes.numel(shape)), shape);
            case NHWC -> new View(filled(rng, n * h * w * c), shape.clone(), new int[] {h * w * c, 1, w * c, c}, 0);
            case SLICED -> new View(filled(rng, n * c * h * 2 * w), shape.clone(), new int[] {c * h * 2 * w, h * 2 * w, 2 * w, 2}, 1);
            case OFFSET -> new View(filled(rng, Shapes.numel(shape) + 5), shape.clone(), Shapes.contiguousStrides(shape), 5);
        };
    }

    private HostBuffer filled(Rng rng, int numel) {
        HostBuffer b = (HostBuffer) cpu.allocate(DType.FLOAT32, numel);
        float[] f = b.floats();
        for (int i = 0; i < numel; i++) f[i] = (float) rng.nextGaussian();
        return b;
    }

    private View nan(int... shape) {
        HostBuffer b = (HostBuffer) cpu.allocate(DType.FLOAT32, Shapes.numel(shape));
        Arrays.fill(b.floats(), Float.NaN);
        return View.contiguous(b, shape);
    }

    private static float[] floats(View v) {
        return ((HostBuffer) v.buffer()).floats().clone();
    }
}
