package dev.stylize.runtime;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import org.junit.jupiter.api.Test;

class InputBuffersTest {
    private static final long[] SHAPE = {1, 4, 3};
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final InputBuffers buffers = new InputBuffers();

    @Test
    void theSameRoleDtypeAndShapeGetTheTensorGivenBack() {
        assertNull(buffers.take("text", TensorDtype.FLOAT32, SHAPE));
        HostTensor t = HostTensor.allocate(env, TensorDtype.FLOAT32, SHAPE);
        buffers.give("text", t);
        assertNull(buffers.take("pooled", TensorDtype.FLOAT32, SHAPE), "another role");
        assertSame(t, buffers.take("text", TensorDtype.FLOAT32, SHAPE.clone()));
        assertNull(buffers.take("text", TensorDtype.FLOAT32, SHAPE), "handed out once");
        assertFalse(t.onnx().isClosed());
    }

    @Test
    void anotherShapeOrDtypeClosesTheKeptOne() {
        HostTensor t = HostTensor.allocate(env, TensorDtype.FLOAT32, SHAPE);
        buffers.give("text", t);
        assertNull(buffers.take("text", TensorDtype.FLOAT32, new long[] {1, 5, 3}));
        assertTrue(t.onnx().isClosed());

        HostTensor f16 = HostTensor.allocate(env, TensorDtype.FLOAT16, SHAPE);
        buffers.give("text", f16);
        assertNull(buffers.take("text", TensorDtype.FLOAT32, SHAPE));
        assertTrue(f16.onnx().isClosed());
    }

    @Test
    void oneIsKeptPerRoleAndNoneAfterClose() {
        HostTensor first = HostTensor.allocate(env, TensorDtype.FLOAT32, SHAPE);
        HostTensor second = HostTensor.allocate(env, TensorDtype.FLOAT32, SHAPE);
        buffers.give("text", first);
        buffers.give("text", second);
        assertTrue(first.onnx().isClosed(), "the replaced one is closed");
        buffers.close();
        assertTrue(second.onnx().isClosed());
        HostTensor late = HostTensor.allocate(env, TensorDtype.FLOAT32, SHAPE);
        buffers.give("text", late);
        assertTrue(late.onnx().isClosed(), "given back after close: closed, not kept");
        assertNull(buffers.take("text", TensorDtype.FLOAT32, SHAPE));
    }
}
