package dev.stylize.runtime;

import dev.stylize.job.ErrorCode;
import dev.stylize.job.StylizeException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * The GPU of a model set loaded with {@link RuntimeConfig#simulateGpu()} (benchmarks only): a GPU
 * stage runs the cheap graph of its cost profile on the CPU, then waits for its modelled time
 * ({@link ModelManifest.Cost}). Waits queue on one timeline, so GPU stages of concurrent jobs take
 * turns as on the pod's one GPU, while the CPU stays free for CPU stages (T5, CLIP, pre/post).
 */
final class SimulatedGpu {
    /** Cancellation is polled at this period, as ONNX Runtime's terminate flag stops a run within ms. */
    private static final long POLL_NANOS = 2_000_000L;

    private long freeAtNanos = Long.MIN_VALUE; // guarded by this

    /**
     * The stage of one component, whose inputs have these ranks by role; fails if the cost names a
     * dimension the inputs do not have.
     */
    Stage stage(Component component, ModelManifest.Cost cost, Map<String, Integer> ranks) {
        return new Stage(component, cost, ranks);
    }

    /** Books {@code nanos} of GPU time after the work already queued; returns when it ends. */
    private synchronized long book(long nanos) {
        long start = Math.max(System.nanoTime(), freeAtNanos);
        freeAtNanos = start + nanos;
        return freeAtNanos;
    }

    final class Stage {
        private final Component component;
        private final ModelManifest.Cost cost;
        private final ModelManifest.Cost.Dim items;
        private final List<List<ModelManifest.Cost.Dim>> units;

        private Stage(Component component, ModelManifest.Cost cost, Map<String, Integer> ranks) {
            this.component = component;
            this.cost = cost;
            try {
                this.items = cost.itemsDim();
                this.units = cost.unitTerms();
            } catch (IllegalArgumentException e) {
                throw new StylizeException(ErrorCode.MODEL_LOAD_FAILED, component.key() + ": " + e.getMessage(), e);
            }
            units.stream().flatMap(List::stream).forEach(d -> requireDim(d, ranks));
            requireDim(items, ranks);
        }

        private void requireDim(ModelManifest.Cost.Dim d, Map<String, Integer> ranks) {
            Integer rank = ranks.get(d.role());
            if (rank == null || d.axis() < 0 || d.axis() >= rank) {
                throw new StylizeException(ErrorCode.MODEL_LOAD_FAILED, component.key() + ": cost dimension " + d
                        + " is not an input dimension of the component");
            }
        }

        /** The modelled time of a run on these inputs. */
        long modelledNanos(Map<String, HostTensor> inputs) {
            double u = 0;
            for (List<ModelManifest.Cost.Dim> term : units) {
                double product = 1;
                for (ModelManifest.Cost.Dim d : term) {
                    product *= dim(inputs, d);
                }
                u += product;
            }
            return Math.round(cost.ms(dim(inputs, items), u) * 1e6);
        }

        private long dim(Map<String, HostTensor> inputs, ModelManifest.Cost.Dim d) {
            return inputs.get(d.role()).shape()[d.axis()];
        }

        /**
         * Waits until the GPU would have finished this run. Uninterruptible like a native run (the
         * interrupt is kept for the caller); a cancelled job stops waiting at once.
         */
        void await(Map<String, HostTensor> inputs, RunControl control) {
            long end = book(modelledNanos(inputs));
            boolean interrupted = false;
            try {
                for (long left = end - System.nanoTime(); left > 0; left = end - System.nanoTime()) {
                    if (control.isCancelled()) {
                        throw new StylizeException(ErrorCode.CANCELLED, "job cancelled during " + component.key());
                    }
                    LockSupport.parkNanos(Math.min(left, POLL_NANOS));
                    interrupted |= Thread.interrupted();
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
