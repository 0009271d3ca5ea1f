package dev.stylize.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A graph input held in a direct buffer in the dtype the graph declares. The ONNX tensor wraps the
 * buffer without copying, so a caller can rewrite part of it between runs (the x part of the Fill
 * transformer's hidden_states) without rebuilding the rest.
 */
public final class HostTensor implements AutoCloseable {
    private final TensorDtype dtype;
    private final long[] shape;
    private final ByteBuffer buffer;
    private final OnnxTensor tensor;

    private HostTensor(OrtEnvironment env, TensorDtype dtype, long[] shape) throws OrtException {
        this.dtype = dtype;
        this.shape = shape.clone();
        long count = elementCount(shape);
        if (count * dtype.bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensor too large: " + Arrays.toString(shape));
        }
        this.buffer = ByteBuffer.allocateDirect((int) (count * dtype.bytes)).order(ByteOrder.nativeOrder());
        this.tensor = switch (dtype) {
            case FLOAT32 -> OnnxTensor.createTensor(env, buffer.asFloatBuffer(), this.shape);
            case FLOAT16, BFLOAT16 -> OnnxTensor.createTensor(env, buffer.asShortBuffer(), this.shape, dtype.javaType);
            case INT32 -> OnnxTensor.createTensor(env, buffer.asIntBuffer(), this.shape);
            case INT64 -> OnnxTensor.createTensor(env, buffer.asLongBuffer(), this.shape);
        };
    }

    static HostTensor allocate(OrtEnvironment env, TensorDtype dtype, long[] shape) {
        try {
            return new HostTensor(env, dtype, shape);
        } catch (OrtException e) {
            throw new IllegalStateException("cannot create tensor " + Arrays.toString(shape), e);
        }
    }

    public static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    public TensorDtype dtype() {
        return dtype;
    }

    public long[] shape() {
        return shape.clone();
    }

    public int size() {
        return (int) elementCount(shape);
    }

    /** Converts {@code len} floats from {@code src} into this tensor at element {@code index}. */
    public HostTensor write(int index, float[] src, int srcOff, int len) {
        dtype.putFloats(buffer, index, src, srcOff, len);
        return this;
    }

    public HostTensor write(float[] src) {
        if (src.length != size()) {
            throw new IllegalArgumentException("expected " + size() + " values, got " + src.length);
        }
        return write(0, src, 0, src.length);
    }

    /**
     * Writes {@code rows} rows of {@code width} floats into columns {@code [col, col+width)} of a
     * row-major matrix whose rows are {@code rowStride} elements long.
     */
    public HostTensor writeColumns(float[] src, int rows, int width, int rowStride, int col) {
        for (int r = 0; r < rows; r++) {
            dtype.putFloats(buffer, r * rowStride + col, src, r * width, width);
        }
        return this;
    }

    public HostTensor writeInts(long[] values) {
        for (int i = 0; i < values.length; i++) {
            switch (dtype) {
                case INT32 -> buffer.putInt(i * 4, Math.toIntExact(values[i]));
                case INT64 -> buffer.putLong(i * 8, values[i]);
                default -> throw new IllegalStateException(dtype + " is not an integer type");
            }
        }
        return this;
    }

    /** The current contents as float32 (for recorders and previews, not the hot path). */
    public float[] toFloats() {
        float[] out = new float[size()];
        dtype.getFloats(buffer, 0, out, 0, out.length);
        return out;
    }

    OnnxTensor onnx() {
        return tensor;
    }

    @Override
    public void close() {
        tensor.close();
    }
}
