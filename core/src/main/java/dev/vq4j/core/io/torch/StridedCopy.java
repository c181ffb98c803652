package dev.vq4j.core.io.torch;

import dev.vq4j.core.io.TensorData;

import java.util.Arrays;

/** Copies a (size, stride, offset) view of a storage into a contiguous row-major {@link TensorData}, after checking it stays inside. */
final class StridedCopy {
    private StridedCopy() {}

    /** Told each view's element count after it is checked and before its copy is allocated; may refuse it. */
    interface Budget {
        void charge(String view, long elements);
    }

    static TensorData copy(TorchCheckpoint.Storage s, long offset, long[] size, long[] stride, Budget budget) {
        String view = "tensor of size " + Arrays.toString(size) + ", stride " + Arrays.toString(stride) + ", offset " + offset
                + " on storage '" + s.key() + "' (" + s.numel() + " × " + s.type() + ")";
        int[] shape = new int[size.length];
        long numel = 1;
        long last = offset; // the highest element index the view touches
        try {
            for (int d = 0; d < size.length; d++) {
                if (size[d] < 0 || size[d] > Integer.MAX_VALUE) throw new TorchFormatException(view + ": size " + size[d] + " is out of range");
                if (stride[d] < 0) throw new TorchFormatException(view + ": negative stride " + stride[d]);
                shape[d] = (int) size[d];
                numel = Math.multiplyExact(numel, size[d]);
                if (size[d] > 0) last = Math.addExact(last, Math.multiplyExact(size[d] - 1, stride[d]));
            }
        } catch (ArithmeticException overflow) {
            throw new TorchFormatException(view + ": size × stride overflows a 64-bit index");
        }
        if (numel > Integer.MAX_VALUE) throw new TorchFormatException(view + ": " + numel + " elements, more than 2^31-1");
        if (offset < 0) throw new TorchFormatException(view + ": negative storage offset");
        if (numel > 0 && last >= s.numel())
            throw new TorchFormatException(view + ": reaches element " + last + ", past the end of the storage");
        budget.charge(view, numel);
        int n = (int) numel;
        Object src = s.values();
        Object dst = switch (src) {
            case float[] a -> new float[n];
            case int[] a -> new int[n];
            case long[] a -> new long[n];
            case boolean[] a -> new boolean[n];
            default -> throw new AssertionError(src);
        };
        if (n > 0) {
            if (isContiguous(size, stride)) System.arraycopy(src, (int) offset, dst, 0, n);
            else gather(src, dst, n, offset, size, stride);
        }
        return new TensorData(s.type().dtype(), shape, dst);
    }

    private static boolean isContiguous(long[] size, long[] stride) {
        long expected = 1;
        for (int d = size.length - 1; d >= 0; d--) {
            if (size[d] != 1 && stride[d] != expected) return false;
            expected *= size[d];
        }
        return true;
    }

    /** Row-major walk over the view: an odometer over the indices, the source position kept incrementally. */
    private static void gather(Object src, Object dst, int n, long offset, long[] size, long[] stride) {
        int rank = size.length;
        long[] index = new long[rank];
        long at = offset;
        for (int i = 0; i < n; i++) {
            int from = (int) at;
            switch (dst) {
                case float[] d -> d[i] = ((float[]) src)[from];
                case int[] d -> d[i] = ((int[]) src)[from];
                case long[] d -> d[i] = ((long[]) src)[from];
                case boolean[] d -> d[i] = ((boolean[]) src)[from];
                default -> throw new AssertionError(dst);
            }
            for (int d = rank - 1; d >= 0; d--) {
                if (++index[d] < size[d]) {
                    at += stride[d];
                    break;
                }
                at -= (size[d] - 1) * stride[d];
                index[d] = 0;
            }
        }
    }
}
