package dev.stylize.runtime;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.platform.Fp16Conversions;
import java.nio.ByteBuffer;

/** Element types a graph may declare at its boundary, and their conversion from/to float32. */
public enum TensorDtype {
    FLOAT32(4, OnnxJavaType.FLOAT),
    FLOAT16(2, OnnxJavaType.FLOAT16),
    BFLOAT16(2, OnnxJavaType.BFLOAT16),
    INT32(4, OnnxJavaType.INT32),
    INT64(8, OnnxJavaType.INT64);

    final int bytes;
    final OnnxJavaType javaType;

    TensorDtype(int bytes, OnnxJavaType javaType) {
        this.bytes = bytes;
        this.javaType = javaType;
    }

    public boolean isFloatingPoint() {
        return this == FLOAT32 || this == FLOAT16 || this == BFLOAT16;
    }

    public static TensorDtype of(OnnxJavaType type) {
        for (TensorDtype d : values()) {
            if (d.javaType == type) {
                return d;
            }
        }
        throw new IllegalArgumentException("unsupported tensor element type " + type);
    }

    /** Writes {@code len} floats into {@code dst} (native order) starting at element {@code dstIndex}. */
    void putFloats(ByteBuffer dst, int dstIndex, float[] src, int srcOff, int len) {
        switch (this) {
            case FLOAT32 -> dst.asFloatBuffer().put(dstIndex, src, srcOff, len);
            case FLOAT16 -> {
                for (int i = 0; i < len; i++) {
                    dst.putShort((dstIndex + i) * 2, Fp16Conversions.floatToFp16(src[srcOff + i]));
                }
            }
            case BFLOAT16 -> {
                for (int i = 0; i < len; i++) {
                    dst.putShort((dstIndex + i) * 2, Fp16Conversions.floatToBf16(src[srcOff + i]));
                }
            }
            default -> throw new IllegalStateException(this + " is not a floating-point type");
        }
    }

    /** Reads {@code len} elements starting at element {@code srcIndex} as float32. */
    void getFloats(ByteBuffer src, int srcIndex, float[] dst, int dstOff, int len) {
        switch (this) {
            case FLOAT32 -> src.asFloatBuffer().get(srcIndex, dst, dstOff, len);
            case FLOAT16 -> {
                for (int i = 0; i < len; i++) {
                    dst[dstOff + i] = Fp16Conversions.fp16ToFloat(src.getShort((srcIndex + i) * 2));
                }
            }
            case BFLOAT16 -> {
                for (int i = 0; i < len; i++) {
                    dst[dstOff + i] = Fp16Conversions.bf16ToFloat(src.getShort((srcIndex + i) * 2));
                }
            }
            case INT32 -> {
                for (int i = 0; i < len; i++) {
                    dst[dstOff + i] = src.getInt((srcIndex + i) * 4);
                }
            }
            case INT64 -> {
                for (int i = 0; i < len; i++) {
                    dst[dstOff + i] = src.getLong((srcIndex + i) * 8);
                }
            }
        }
    }
}
