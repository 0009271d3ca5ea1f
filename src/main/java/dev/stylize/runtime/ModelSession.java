package dev.stylize.runtime;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.stylize.job.ErrorCode;
import dev.stylize.job.StylizeException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One component's ONNX session, addressed by canonical tensor roles. Inputs are built in the dtype
 * the graph declares ({@link #input}); outputs come back as float32.
 */
public final class ModelSession implements AutoCloseable {
    private final Component component;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final Provider provider;
    private final Map<String, String> inputNames;
    private final Map<String, String> outputNames;
    private final Map<String, TensorInfo> inputInfo = new HashMap<>();
    private final Map<String, TensorInfo> outputInfo = new HashMap<>();
    private final SessionObserver observer;
    private final java.util.concurrent.atomic.LongAdder runNanos = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder runs = new java.util.concurrent.atomic.LongAdder();

    ModelSession(Component component, OrtEnvironment env, OrtSession session, Provider provider,
            Map<String, String> inputNames, Map<String, String> outputNames, SessionObserver observer)
            throws OrtException {
        this.component = component;
        this.env = env;
        this.session = session;
        this.provider = provider;
        this.inputNames = Map.copyOf(inputNames);
        this.outputNames = Map.copyOf(outputNames);
        this.observer = observer;
        Map<String, NodeInfo> ins = session.getInputInfo();
        Map<String, NodeInfo> outs = session.getOutputInfo();
        inputNames.forEach((role, name) -> inputInfo.put(role, (TensorInfo) ins.get(name).getInfo()));
        outputNames.forEach((role, name) -> outputInfo.put(role, (TensorInfo) outs.get(name).getInfo()));
    }

    public Component component() {
        return component;
    }

    public Provider provider() {
        return provider;
    }

    public TensorDtype inputDtype(String role) {
        return TensorDtype.of(info(role).type);
    }

    /** Declared shape of an input; -1 marks a dynamic axis. */
    public long[] inputShape(String role) {
        return info(role).getShape();
    }

    /** An empty input tensor of the declared dtype; fill it with {@link HostTensor#write}. */
    public HostTensor input(String role, long... shape) {
        return HostTensor.allocate(env, inputDtype(role), shape);
    }

    public HostTensor input(String role, float[] values, long... shape) {
        return input(role, shape).write(values);
    }

    public HostTensor inputIds(String role, long[] ids, long... shape) {
        return input(role, shape).writeInts(ids);
    }

    /** Runs the graph; returns every mapped output by role as float32. */
    public Map<String, float[]> run(Map<String, HostTensor> inputs, RunControl control) {
        control.checkpoint();
        Map<String, OnnxTensor> feed = new LinkedHashMap<>();
        inputs.forEach((role, t) -> feed.put(nameOf(role), t.onnx()));
        if (observer != null) {
            Map<String, float[]> copies = new LinkedHashMap<>();
            Map<String, long[]> shapes = new LinkedHashMap<>();
            inputs.forEach((role, t) -> {
                copies.put(role, t.toFloats());
                shapes.put(role, t.shape());
            });
            observer.onRun(component, copies, shapes);
        }
        long t0 = System.nanoTime();
        try (OrtSession.Result result = session.run(feed, control.runOptions())) {
            runNanos.add(System.nanoTime() - t0);
            runs.increment();
            Map<String, float[]> out = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : outputNames.entrySet()) {
                OnnxValue v = result.get(e.getValue()).orElseThrow();
                out.put(e.getKey(), toFloats((OnnxTensor) v));
            }
            return out;
        } catch (OrtException e) {
            if (control.isCancelled()) {
                throw new StylizeException(ErrorCode.CANCELLED, "job cancelled during " + component.key());
            }
            throw new StylizeException(ErrorCode.INFERENCE_FAILED,
                    component.key() + " failed: " + e.getMessage(), e);
        }
    }

    /** Total time spent inside session.run since load (benchmarks). */
    public long runNanos() {
        return runNanos.sum();
    }

    public long runCount() {
        return runs.sum();
    }

    private static float[] toFloats(OnnxTensor t) {
        TensorDtype dtype = TensorDtype.of(t.getInfo().type);
        float[] out = new float[(int) t.getInfo().getNumElements()];
        dtype.getFloats(t.getByteBuffer().order(java.nio.ByteOrder.nativeOrder()), 0, out, 0, out.length);
        return out;
    }

    private TensorInfo info(String role) {
        TensorInfo i = inputInfo.get(role);
        if (i == null) {
            throw new IllegalArgumentException(component.key() + " has no input role '" + role + "'");
        }
        return i;
    }

    private String nameOf(String role) {
        String n = inputNames.get(role);
        if (n == null) {
            throw new IllegalArgumentException(component.key() + " has no input role '" + role + "'");
        }
        return n;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            // closing is best effort
        }
    }
}
