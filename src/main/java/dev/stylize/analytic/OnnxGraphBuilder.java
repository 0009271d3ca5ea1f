package dev.stylize.analytic;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Minimal writer of one ONNX graph (opset 17, IR version 8) with the ONNX protobuf classes.
 *
 * <p>Every op helper returns the name of the value it produced, so graph code reads like the
 * formula it computes. Values are named {@code prefix_N}; initializers {@code c_N}.
 *
 * <p>The boundary type implements the FLOAT16_MIXED precision (and a bfloat16 boundary) in one place:
 * inputs/outputs declared with {@link #floatInput}/{@link #floatOutput} get that type with a Cast at
 * the boundary, while the graph body always computes in float32 (ONNX Runtime's CPU provider runs the
 * Casts of either type, but few other bfloat16 kernels).
 */
final class OnnxGraphBuilder {

    static final int OPSET = 17;
    static final int IR_VERSION = 8;

    static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;
    static final int FLOAT16 = TensorProto.DataType.FLOAT16_VALUE;
    static final int BFLOAT16 = TensorProto.DataType.BFLOAT16_VALUE;
    static final int INT32 = TensorProto.DataType.INT32_VALUE;
    static final int INT64 = TensorProto.DataType.INT64_VALUE;
    static final int BOOL = TensorProto.DataType.BOOL_VALUE;
    static final int DOUBLE = TensorProto.DataType.DOUBLE_VALUE;

    private final OnnxMl.GraphProto.Builder graph;
    /** Element type of the floating-point boundary: FLOAT, FLOAT16 or BFLOAT16. */
    private final int boundary;
    private final String prefix;
    private int counter;

    OnnxGraphBuilder(String graphName, boolean float16Io) {
        this(graphName, float16Io ? FLOAT16 : FLOAT);
    }

    OnnxGraphBuilder(String graphName, int boundaryType) {
        this.graph = OnnxMl.GraphProto.newBuilder().setName(graphName);
        this.boundary = boundaryType;
        this.prefix = "";
    }

    /**
     * Continues {@code base}'s graph (its inputs, nodes and outputs kept); every name added starts
     * with {@code prefix}, so it cannot clash with one of {@code base}.
     */
    OnnxGraphBuilder(OnnxMl.ModelProto base, String prefix) {
        this.graph = base.getGraph().toBuilder();
        this.boundary = FLOAT;
        this.prefix = prefix;
    }

    /** A dimension: either a fixed size (Long/Integer) or a symbolic name (String). */
    private static TensorShapeProto shape(Object... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            if (d instanceof String name) {
                s.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(name));
            } else {
                s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(((Number) d).longValue()));
            }
        }
        return s.build();
    }

    private static ValueInfoProto valueInfo(String name, int elemType, Object... dims) {
        TypeProto.Tensor tensor = TypeProto.Tensor.newBuilder()
                .setElemType(elemType).setShape(shape(dims)).build();
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(tensor)).build();
    }

    // ---- graph boundary -------------------------------------------------------------------

    /** Declares an input of the given element type; returns its name (no cast). */
    String input(String name, int elemType, Object... dims) {
        graph.addInput(valueInfo(name, elemType, dims));
        return name;
    }

    /**
     * Declares a floating-point boundary input (of the boundary type) and returns a float32 value of it
     * for the graph body.
     */
    String floatInput(String name, Object... dims) {
        if (boundary == FLOAT) {
            return input(name, FLOAT, dims);
        }
        input(name, boundary, dims);
        return cast(name, FLOAT);
    }

    /** Declares a floating-point boundary output computed as the float32 value {@code value}. */
    void floatOutput(String name, String value, Object... dims) {
        op("Identity", List.of(boundary == FLOAT ? value : cast(value, boundary)), List.of(name));
        graph.addOutput(valueInfo(name, boundary, dims));
    }

    // ---- initializers ---------------------------------------------------------------------

    String floats(float[] values, long... dims) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            buf.putFloat(v);
        }
        return initializer(FLOAT, buf.array(), dims);
    }

    String scalar(float value) {
        return floats(new float[] {value});
    }

    String doubleScalar(double value) {
        ByteBuffer buf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(value);
        return initializer(DOUBLE, buf.array());
    }

    String int64s(long... values) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            buf.putLong(v);
        }
        return initializer(INT64, buf.array(), values.length);
    }

    /** A rank-0 int64 (e.g. a Gather index that drops the axis). */
    String int64Scalar(long value) {
        ByteBuffer buf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value);
        return initializer(INT64, buf.array());
    }

    String bools(boolean[] values, long... dims) {
        byte[] raw = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            raw[i] = (byte) (values[i] ? 1 : 0);
        }
        return initializer(BOOL, raw, dims);
    }

    private String initializer(int type, byte[] raw, long... dims) {
        String name = prefix + "c_" + (counter++);
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type)
                .setRawData(ByteString.copyFrom(raw));
        for (long d : dims) {
            t.addDims(d);
        }
        graph.addInitializer(t);
        return name;
    }

    // ---- nodes ----------------------------------------------------------------------------

    /** Adds a node with one fresh output; returns that output's name. */
    String op(String type, List<String> inputs, AttributeProto... attrs) {
        String out = prefix + type.toLowerCase() + "_" + (counter++);
        op(type, inputs, List.of(out), attrs);
        return out;
    }

    String op(String type, String... inputs) {
        return op(type, List.of(inputs));
    }

    void op(String type, List<String> inputs, List<String> outputs, AttributeProto... attrs) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(type)
                .setName(prefix + type + "_n" + (counter++)).addAllInput(inputs).addAllOutput(outputs);
        for (AttributeProto a : attrs) {
            n.addAttribute(a);
        }
        graph.addNode(n);
    }

    static AttributeProto attr(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT)
                .setI(value).build();
    }

    static AttributeProto attr(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT)
                .setF(value).build();
    }

    static AttributeProto attr(String name, String value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(value)).build();
    }

    static AttributeProto ints(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name)
                .setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    static AttributeProto tensorAttr(String name, TensorProto value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.TENSOR)
                .setT(value).build();
    }

    // ---- op shorthands (only those the analytic graphs use) ---------------------------------

    String add(String a, String b) {
        return op("Add", a, b);
    }

    String sub(String a, String b) {
        return op("Sub", a, b);
    }

    String mul(String a, String b) {
        return op("Mul", a, b);
    }

    String div(String a, String b) {
        return op("Div", a, b);
    }

    String cast(String x, int to) {
        return op("Cast", List.of(x), attr("to", to));
    }

    String concat(long axis, String... parts) {
        return op("Concat", List.of(parts), attr("axis", axis));
    }

    String reshape(String x, String shape) {
        return op("Reshape", x, shape);
    }

    String transpose(String x, long... perm) {
        return op("Transpose", List.of(x), ints("perm", perm));
    }

    /** {@code x[..., start:end, ...]} along one axis. */
    String slice(String x, long axis, long start, long end) {
        return op("Slice", x, int64s(start), int64s(end), int64s(axis));
    }

    /** Mean over the given axes, keeping them as size 1 (ReduceMean takes attribute axes in opset 17). */
    String reduceMean(String x, long... axes) {
        return op("ReduceMean", List.of(x), ints("axes", axes), attr("keepdims", 1L));
    }

    /** Sum over the given axes kept as size 1 (ReduceSum takes its axes as an input since opset 13). */
    String reduceSum(String x, long... axes) {
        return op("ReduceSum", List.of(x, int64s(axes)), attr("keepdims", 1L));
    }

    /** Sum of all elements, as a scalar. */
    String reduceSumAll(String x) {
        return op("ReduceSum", List.of(x), attr("keepdims", 0L));
    }

    /** A float32 tensor of ones with the shape of {@code like} (NaN-safe, unlike 0·x + 1). */
    String onesLike(String like) {
        return filled(op("Shape", like), 1f);
    }

    /** A float32 tensor of the run-time shape {@code shape} (an int64 vector) filled with {@code value}. */
    String filled(String shape, float value) {
        TensorProto v = TensorProto.newBuilder().setDataType(FLOAT).addDims(1).addFloatData(value).build();
        return op("ConstantOfShape", List.of(shape), tensorAttr("value", v));
    }

    /**
     * Multiplies every graph output by the float32 scalar {@code factor}, computed in float32 also
     * for float16 outputs: their producers now write {@code <prefix><output>_unscaled}.
     */
    void multiplyOutputs(String factor) {
        for (ValueInfoProto output : graph.getOutputList()) {
            String name = output.getName();
            String unscaled = prefix + name + "_unscaled";
            for (NodeProto.Builder node : graph.getNodeBuilderList()) {
                for (int i = 0; i < node.getOutputCount(); i++) {
                    if (node.getOutput(i).equals(name)) {
                        node.setOutput(i, unscaled);
                    }
                }
            }
            int type = output.getType().getTensorType().getElemType();
            String scaled = type == FLOAT ? mul(unscaled, factor) : cast(mul(cast(unscaled, FLOAT), factor), type);
            op("Identity", List.of(scaled), List.of(name));
        }
    }

    OnnxMl.ModelProto build(String docString) {
        graph.setDocString(docString);
        return OnnxMl.ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName("stylize-worker analytic")
                .setProducerVersion("1")
                .setDocString(docString)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(graph)
                .build();
    }
}
