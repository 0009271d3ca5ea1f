package dev.stylize.runtime;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The inputs and outputs an ONNX file declares, read before any session exists: TensorRT's
 * optimisation profiles must be given when the session is created, and must name every dynamic
 * input. Only the graph's input and output entries are parsed; everything else (nodes, and the
 * weights of a graph that embeds them) is skipped over without being read into memory.
 */
final class GraphBoundary {
    /** A declared tensor: its ONNX element type and shape, -1 for a dynamic (symbolic or missing) axis. */
    record Tensor(int elemType, long[] shape) {
        boolean dynamic() {
            for (long d : shape) {
                if (d < 0) {
                    return true;
                }
            }
            return false;
        }
    }

    private final Map<String, Tensor> inputs;
    private final Map<String, Tensor> outputs;

    private GraphBoundary(Map<String, Tensor> inputs, Map<String, Tensor> outputs) {
        this.inputs = inputs;
        this.outputs = outputs;
    }

    /** Declared inputs by name, in graph order (initializers listed as inputs by old exporters included). */
    Map<String, Tensor> inputs() {
        return inputs;
    }

    Map<String, Tensor> outputs() {
        return outputs;
    }

    static GraphBoundary read(Path onnxFile) throws IOException {
        try (InputStream in = Files.newInputStream(onnxFile)) {
            CodedInputStream model = CodedInputStream.newInstance(in);
            model.setSizeLimit(Integer.MAX_VALUE); // protobuf's own 2 GB limit on one file
            Map<String, Tensor> ins = new LinkedHashMap<>();
            Map<String, Tensor> outs = new LinkedHashMap<>();
            int tag;
            while ((tag = model.readTag()) != 0) {
                if (WireFormat.getTagFieldNumber(tag) == OnnxMl.ModelProto.GRAPH_FIELD_NUMBER) {
                    int limit = model.pushLimit(model.readRawVarint32());
                    readGraph(model, ins, outs);
                    model.popLimit(limit);
                } else {
                    model.skipField(tag);
                }
            }
            return new GraphBoundary(ins, outs);
        }
    }

    private static void readGraph(CodedInputStream graph, Map<String, Tensor> ins, Map<String, Tensor> outs)
            throws IOException {
        int tag;
        while ((tag = graph.readTag()) != 0) {
            int field = WireFormat.getTagFieldNumber(tag);
            if (field == OnnxMl.GraphProto.INPUT_FIELD_NUMBER || field == OnnxMl.GraphProto.OUTPUT_FIELD_NUMBER) {
                OnnxMl.ValueInfoProto v = OnnxMl.ValueInfoProto.parseFrom(graph.readBytes());
                (field == OnnxMl.GraphProto.INPUT_FIELD_NUMBER ? ins : outs).put(v.getName(), tensor(v));
            } else {
                graph.skipField(tag);
            }
        }
    }

    private static Tensor tensor(OnnxMl.ValueInfoProto v) {
        OnnxMl.TypeProto.Tensor t = v.getType().getTensorType();
        long[] shape = new long[t.getShape().getDimCount()];
        for (int i = 0; i < shape.length; i++) {
            OnnxMl.TensorShapeProto.Dimension d = t.getShape().getDim(i);
            shape[i] = d.hasDimValue() ? d.getDimValue() : -1;
        }
        return new Tensor(t.getElemType(), shape);
    }
}
