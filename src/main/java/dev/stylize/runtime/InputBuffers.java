package dev.stylize.runtime;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The last released input tensor of each role of one session, handed out again to the next run that asks for
 * the same dtype and shape. A fresh direct buffer of tens of MB (the transformer's text sequence: 1241 × 4096
 * floats, 20 MB) pays for its page faults on every job, and on the development VM the allocation took
 * 64–94 ms in about one job in four; a job at the shapes of the previous one allocates nothing. One idle
 * tensor per role bounds what is kept to one job's inputs.
 */
final class InputBuffers implements AutoCloseable {
    private final Map<String, HostTensor> idle = new HashMap<>(); // guarded by this
    private boolean closed; // guarded by this

    /** The role's idle tensor if it has this dtype and shape (its contents are the last job's), else null. */
    synchronized HostTensor take(String role, TensorDtype dtype, long[] shape) {
        HostTensor t = idle.remove(role);
        if (t == null) {
            return null;
        }
        if (t.dtype() == dtype && Arrays.equals(t.shape(), shape)) {
            return t;
        }
        t.close();
        return null;
    }

    /** Keeps the tensor for the role's next {@link #take}, closing the one it replaces (or it, once closed). */
    synchronized void give(String role, HostTensor tensor) {
        if (closed) {
            tensor.close();
            return;
        }
        HostTensor replaced = idle.put(role, tensor);
        if (replaced != null && replaced != tensor) {
            replaced.close();
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        idle.values().forEach(HostTensor::close);
        idle.clear();
    }
}
