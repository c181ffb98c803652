package dev.vq4j.core.io.torch;

import dev.vq4j.core.DType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The {@code torch.*Storage} classes a checkpoint may name, each with its element size and the
 * {@link DType} it is read as: half, bfloat16 and double become FLOAT32; uint8, int8 and int16 become INT32.
 */
public enum StorageType {
    FloatStorage(4, DType.FLOAT32),
    HalfStorage(2, DType.FLOAT32),
    BFloat16Storage(2, DType.FLOAT32),
    DoubleStorage(8, DType.FLOAT32),
    LongStorage(8, DType.INT64),
    IntStorage(4, DType.INT32),
    ShortStorage(2, DType.INT32),
    CharStorage(1, DType.INT32),
    ByteStorage(1, DType.INT32),
    BoolStorage(1, DType.BOOL);

    final int bytes;
    final DType target;

    StorageType(int bytes, DType target) {
        this.bytes = bytes;
        this.target = target;
    }

    /** The storage class {@code torch.<name>}, or null when it is not one of these. */
    static StorageType byName(String name) {
        for (StorageType t : values()) if (t.name().equals(name)) return t;
        return null;
    }

    public int elementBytes() {
        return bytes;
    }

    public DType dtype() {
        return target;
    }

    /** Decodes {@code count} little-endian elements into the array of {@link #dtype()}. */
    Object decode(byte[] raw, int count, String what) {
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        switch (this) {
            case FloatStorage -> {
                float[] out = new float[count];
                b.asFloatBuffer().get(out);
                return out;
            }
            case HalfStorage -> {
                float[] out = new float[count];
                for (int i = 0; i < count; i++) out[i] = Float.float16ToFloat(b.getShort(2 * i));
                return out;
            }
            case BFloat16Storage -> {
                float[] out = new float[count];
                for (int i = 0; i < count; i++) out[i] = Float.intBitsToFloat((b.getShort(2 * i) & 0xffff) << 16); // top half of a float32
                return out;
            }
            case DoubleStorage -> {
                float[] out = new float[count];
                for (int i = 0; i < count; i++) out[i] = (float) b.getDouble(8 * i);
                return out;
            }
            case LongStorage -> {
                long[] out = new long[count];
                b.asLongBuffer().get(out);
                return out;
            }
            case IntStorage -> {
                int[] out = new int[count];
                b.asIntBuffer().get(out);
                return out;
            }
            case ShortStorage -> {
                int[] out = new int[count];
                for (int i = 0; i < count; i++) out[i] = b.getShort(2 * i);
                return out;
            }
            case CharStorage -> {
                int[] out = new int[count];
                for (int i = 0; i < count; i++) out[i] = raw[i];
                return out;
            }
            case ByteStorage -> {
                int[] out = new int[count];
                for (int i = 0; i < count; i++) out[i] = raw[i] & 0xff;
                return out;
            }
            case BoolStorage -> {
                boolean[] out = new boolean[count];
                for (int i = 0; i < count; i++) {
                    if (raw[i] != 0 && raw[i] != 1) throw new TorchFormatException(what + ": bool element " + i + " has byte value " + raw[i] + " (must be 0 or 1)");
                    out[i] = raw[i] == 1;
                }
                return out;
            }
        }
        throw new AssertionError(this);
    }
}
