package dev.stylize.runtime;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.stylize.job.ErrorCode;
import dev.stylize.job.StylizeException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * One component's ONNX session, addressed by canonical tensor roles. Inputs are built in the dtype
 * the graph declares ({@link #input}); outputs come back as float32.
 *
 * <p>Closing never frees the native session under a running {@link #run}: runs are counted, a run
 * after close is refused, and the session is freed only once the runs in flight have returned.
 */
public final class ModelSession implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ModelSession.class);

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
    private final InFlightCalls inFlight = new InFlightCalls();
    private final InputBuffers reusable = new InputBuffers();
    /** Non-null only under {@link RuntimeConfig#simulateGpu()}: the GPU run this one stands for. */
    private final SimulatedGpu.Stage simulatedGpu;

    /**
     * @param gpu the simulated GPU to wait on after each run, with {@code cost}; null (both) when
     *            the component is not simulated
     */
    ModelSession(Component component, OrtEnvironment env, OrtSession session, Provider provider,
            Map<String, String> inputNames, Map<String, String> outputNames, SessionObserver observer,
            SimulatedGpu gpu, ModelManifest.Cost cost) throws OrtException {
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
        if (gpu != null) {
            Map<String, Integer> ranks = new HashMap<>();
            inputInfo.forEach((role, info) -> ranks.put(role, info.getShape().length));
            simulatedGpu = gpu.stage(component, cost, ranks);
        } else {
            simulatedGpu = null;
        }
    }

    public Component component() {
        return component;
    }

    public Provider provider() {
        return provider;
    }

    /**
     * True when this component stands for a GPU stage by waiting ({@link RuntimeConfig#simulateGpu()}):
     * its runs take the cheap graph's CPU time plus the modelled GPU time.
     */
    public boolean simulatedGpu() {
        return simulatedGpu != null;
    }

    /** Runs on the pod's accelerator (a GPU provider, or a simulated GPU), not on the host's cores. */
    public boolean onAccelerator() {
        return simulatedGpu() || provider != Provider.CPU;
    }

    /** True when the manifest maps this output role (an optional one such as the VAE encoder's logvar). */
    public boolean hasOutput(String role) {
        return outputNames.containsKey(role);
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

    /**
     * Like {@link #input(String, long...)}, but the tensor the role's last {@link #release} gave back when it has
     * this shape ({@link InputBuffers}): its contents are then a previous run's, so the caller writes every
     * element before the run.
     */
    public HostTensor reusableInput(String role, long... shape) {
        HostTensor kept = reusable.take(role, inputDtype(role), shape);
        return kept != null ? kept : input(role, shape);
    }

    /** Gives a tensor of {@link #reusableInput} back once no run reads it any more; the caller drops it. */
    public void release(String role, HostTensor tensor) {
        reusable.give(role, tensor);
    }

    /**
     * Runs the graph; returns every mapped output by role as float32. Fails with CANCELLED if the
     * job was cancelled or the model set was closed (see {@link ModelSet#close(java.time.Duration)}).
     */
    public Map<String, float[]> run(Map<String, HostTensor> inputs, RunControl control) {
        Map<String, float[]> out = new LinkedHashMap<>();
        runOutputs(inputs, control).forEach((role, o) -> out.put(role, o.values()));
        return out;
    }

    /** One output of a run: the values as float32, the tensor's shape and its dtype in the graph. */
    public record Output(float[] values, long[] shape, TensorDtype dtype) {}

    /** Like {@link #run}, with each output's shape and graph dtype (for checks of a model directory). */
    public Map<String, Output> runOutputs(Map<String, HostTensor> inputs, RunControl control) {
        control.checkpoint();
        if (!inFlight.enter()) {
            throw closedError(component.key() + " run");
        }
        try {
            return runHeld(inputs, control);
        } finally {
            inFlight.exit();
        }
    }

    /** The run proper; the session is held ({@link #inFlight}) for all of it. */
    private Map<String, Output> runHeld(Map<String, HostTensor> inputs, RunControl control) {
        // Held from here to the end, so that closing the control meanwhile cannot free them.
        OrtSession.RunOptions options = control.acquireRunOptions();
        try {
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
            try (OrtSession.Result result = session.run(feed, options)) {
                if (simulatedGpu != null) {
                    simulatedGpu.await(inputs, control);
                }
                runNanos.add(System.nanoTime() - t0);
                runs.increment();
                Map<String, Output> out = new LinkedHashMap<>();
                for (Map.Entry<String, String> e : outputNames.entrySet()) {
                    OnnxTensor t = (OnnxTensor) result.get(e.getValue()).orElseThrow();
                    out.put(e.getKey(), new Output(toFloats(t), t.getInfo().getShape(), TensorDtype.of(t.getInfo().type)));
                }
                return out;
            } catch (OrtException e) {
                if (control.isCancelled()) {
                    throw new StylizeException(ErrorCode.CANCELLED, "job cancelled during " + component.key());
                }
                throw new StylizeException(ErrorCode.INFERENCE_FAILED,
                        component.key() + " failed: " + e.getMessage(), e);
            }
        } finally {
            control.releaseRunOptions();
        }
    }

    /**
     * What a run (or tokenizer call) that starts after close gets. CANCELLED, not a failure: in the
     * worker, models close only at shutdown, and a job stopped by shutdown must be redelivered
     * (JobService does that for CANCELLED during shutdown) rather than reported FAILED.
     */
    static StylizeException closedError(String what) {
        return new StylizeException(ErrorCode.CANCELLED, "model set closed (shutting down): " + what + " refused");
    }

    /** Total time spent inside session.run since load, simulated GPU waits included (benchmarks). */
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

    /** Runs in flight now (started and not yet returned). */
    int runsInFlight() {
        return inFlight.count();
    }

    /** From now on {@link #run} fails with CANCELLED; runs already in flight go on. */
    void refuseNewRuns() {
        inFlight.refuseNew();
    }

    /**
     * Refuses new runs, waits for those in flight until {@code deadlineNanos}, then frees the
     * session. If some are still running it is left open (a leak at exit, not a crash); false then.
     * Calling it again after such a timeout tries again.
     */
    boolean closeBy(long deadlineNanos) {
        reusable.close();
        return inFlight.freeWhenIdle(deadlineNanos, () -> {
            try {
                session.close();
            } catch (OrtException e) {
                // closing is best effort
            }
        });
    }

    /** {@link #closeBy} with {@link ModelSet#DEFAULT_CLOSE_TIMEOUT}; logs an ERROR if the session was left open. */
    @Override
    public void close() {
        if (!closeBy(System.nanoTime() + ModelSet.DEFAULT_CLOSE_TIMEOUT.toNanos())) {
            LOG.errorf("component=%s: %d run(s) still in flight after %s; session left open, not freed under them",
                    component.key(), inFlight.count(), ModelSet.DEFAULT_CLOSE_TIMEOUT);
        }
    }
}
