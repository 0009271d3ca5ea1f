package dev.stylize.analytic;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.platform.Fp16Conversions;
import dev.stylize.runtime.Component;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test helper: one generated graph opened directly with ONNX Runtime (CPU). Float inputs are given
 * as float32 arrays and converted to float16 where the graph declares float16; outputs come back
 * as float32 arrays whatever their declared type.
 */
final class OrtGraph implements AutoCloseable {

    static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    private final OrtSession session;
    private final Map<String, Object> inputs = new LinkedHashMap<>();
    private final Map<String, long[]> shapes = new HashMap<>();

    OrtGraph(Path file) throws OrtException {
        this(file, new OrtSession.SessionOptions());
    }

    OrtGraph(Path file, OrtSession.SessionOptions options) throws OrtException {
        this.session = ENV.createSession(file.toString(), options);
    }

    /** The component's graph in a model directory written by {@link AnalyticModels#write}. */
    static OrtGraph open(Path dir, Component component) throws OrtException {
        return new OrtGraph(dir.resolve(component.key()).resolve("model.onnx"));
    }

    OrtSession session() {
        return session;
    }

    OrtGraph put(String name, float[] data, long... shape) {
        inputs.put(name, data);
        shapes.put(name, shape);
        return this;
    }

    OrtGraph put(String name, int[] data, long... shape) {
        inputs.put(name, data);
        shapes.put(name, shape);
        return this;
    }

    OnnxJavaType inputType(String name) throws OrtException {
        return ((TensorInfo) session.getInputInfo().get(name).getInfo()).type;
    }

    OnnxJavaType outputType(String name) throws OrtException {
        return ((TensorInfo) session.getOutputInfo().get(name).getInfo()).type;
    }

    /** Runs with the inputs put so far (then forgets them); returns every output as float32. */
    Map<String, float[]> run() throws OrtException {
        List<OnnxTensor> tensors = new ArrayList<>();
        Map<String, OnnxTensor> feed = new HashMap<>();
        try {
            for (Map.Entry<String, Object> e : inputs.entrySet()) {
                OnnxTensor t = tensor(e.getKey(), e.getValue(), shapes.get(e.getKey()));
                tensors.add(t);
                feed.put(e.getKey(), t);
            }
            Map<String, float[]> out = new LinkedHashMap<>();
            try (OrtSession.Result result = session.run(feed)) {
                for (Map.Entry<String, OnnxValue> e : result) {
                    FloatBuffer fb = ((OnnxTensor) e.getValue()).getFloatBuffer();
                    float[] values = new float[fb.remaining()];
                    fb.get(values);
                    out.put(e.getKey(), values);
                }
            }
            return out;
        } finally {
            tensors.forEach(OnnxTensor::close);
            inputs.clear();
        }
    }

    private OnnxTensor tensor(String name, Object data, long[] shape) throws OrtException {
        if (data instanceof int[] ints) {
            return OnnxTensor.createTensor(ENV, IntBuffer.wrap(ints), shape);
        }
        float[] floats = (float[]) data;
        if (inputType(name) == OnnxJavaType.FLOAT16) {
            ByteBuffer buf = ByteBuffer.allocateDirect(floats.length * 2).order(ByteOrder.nativeOrder());
            ShortBuffer halves = buf.asShortBuffer();
            for (float f : floats) {
                halves.put(Fp16Conversions.floatToFp16(f));
            }
            return OnnxTensor.createTensor(ENV, buf, shape, OnnxJavaType.FLOAT16);
        }
        return OnnxTensor.createTensor(ENV, FloatBuffer.wrap(floats), shape);
    }

    Map<String, NodeInfo> inputInfo() throws OrtException {
        return session.getInputInfo();
    }

    Map<String, NodeInfo> outputInfo() throws OrtException {
        return session.getOutputInfo();
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
