package dev.vq4j.core.io;

import dev.vq4j.core.DType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Element types as safetensors names them, each decoded to the {@link DType} vq4j computes in:
 * F16, BF16 and F64 become FLOAT32; U8 and I32 become INT32.
 */
enum FileDType {
    F32("F32", 4, DType.FLOAT32),
    F16("F16", 2, DType.FLOAT32),
    BF16("BF16", 2, DType.FLOAT32),
    F64("F64", 8, DType.FLOAT32),
    I64("I64", 8, DType.INT64),
    I32("I32", 4, DType.INT32),
    U8("U8", 1, DType.INT32),
    BOOL("BOOL", 1, DType.BOOL);

    final String name;
    final int bytes;
    final DType target;

    FileDType(String name, int bytes, DType target) {
        this.name = name;
        this.bytes = bytes;
        this.target = target;
    }

    static FileDType parse(String tensor, Object value) {
        if (value instanceof String s)
            for (FileDType t : values()) if (t.name.equals(s)) return t;
        throw new SafeTensorsFormatException("tensor '" + tensor + "': unsupported dtype " + value
                + " (supported: F32, F16, BF16, F64, I64, I32, U8, BOOL)");
    }

    /** The file type written for a compute dtype. */
    static FileDType of(DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> F32;
            case INT32 -> I32;
            case INT64 -> I64;
            case BOOL -> BOOL;
        };
    }

    Object decode(ByteBuffer b, int count) {
        switch (this) {
            case F32 -> {
                float[] out = new float[count];
                b.asFloatBuffer().get(out);
                return out;
            }
            case F16 -> {
                float[] out = new float[count];
                for (int i = 0; i < count; i++) out[i] = Float.float16ToFloat(b.getShort(2 * i));
                return out;
            }
            case BF16 -> {
                float[] out = new float[count];
                // bfloat16 is the top half of a float32
                for (int i = 0; i < count; i++) out[i] = Float.intBitsToFloat((b.getShort(2 * i) & 0xffff) << 16);
                return out;
            }
            case F64 -> {
                float[] out = new float[count];
                for (int i = 0; i < count; i++) out[i] = (float) b.getDouble(8 * i);
                return out;
            }
            case I64 -> {
                long[] out = new long[count];
                b.asLongBuffer().get(out);
                return out;
            }
            case I32 -> {
                int[] out = new int[count];
                b.asIntBuffer().get(out);
                return out;
            }
            case U8 -> {
                int[] out = new int[count];
                for (int i = 0; i < count; i++) out[i] = b.get(i) & 0xff;
                return out;
            }
            case BOOL -> {
                boolean[] out = new boolean[count];
                for (int i = 0; i < count; i++) {
                    byte v = b.get(i);
                    if (v != 0 && v != 1) throw new SafeTensorsFormatException("BOOL element " + i + " has byte value " + v + " (must be 0 or 1)");
                    out[i] = v == 1;
                }
                return out;
            }
        }
        throw new AssertionError(this);
    }

    ByteBuffer encode(TensorData t) {
        ByteBuffer b = ByteBuffer.allocate(t.numel() * bytes).order(ByteOrder.LITTLE_ENDIAN);
        switch (t.data()) {
            case float[] a -> b.asFloatBuffer().put(a);
            case int[] a -> b.asIntBuffer().put(a);
            case long[] a -> b.asLongBuffer().put(a);
            case boolean[] a -> { for (boolean v : a) b.put((byte) (v ? 1 : 0)); b.rewind(); }
            default -> throw new IllegalArgumentException("unsupported array " + t.data().getClass());
        }
        return b;
    }
}
