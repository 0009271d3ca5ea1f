package dev.stylize.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnxruntime.OrtEnvironment;
import org.junit.jupiter.api.Test;

class HostTensorTest {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();

    @Test
    void float16AndBfloat16RoundTripRepresentableValues() {
        float[] values = {0f, 1f, -2.5f, 30f, 0.125f, 1024f};
        for (TensorDtype d : new TensorDtype[] {TensorDtype.FLOAT16, TensorDtype.BFLOAT16, TensorDtype.FLOAT32}) {
            try (HostTensor t = HostTensor.allocate(env, d, new long[] {2, 3})) {
                t.write(values);
                assertArrayEquals(values, t.toFloats(), d.name());
            }
        }
    }

    @Test
    void float16RoundsToNearest() {
        try (HostTensor t = HostTensor.allocate(env, TensorDtype.FLOAT16, new long[] {1})) {
            t.write(new float[] {0.1f});
            // 0.1 in binary16 is 0.0999755859375 (0x2E66)
            assertEquals(0.0999755859375f, t.toFloats()[0]);
        }
    }

    @Test
    void writeColumnsFillsOnlyTheGivenColumnsOfEachRow() {
        try (HostTensor t = HostTensor.allocate(env, TensorDtype.FLOAT32, new long[] {1, 3, 4})) {
            t.write(new float[12]);
            t.writeColumns(new float[] {1, 2, 3, 4, 5, 6}, 3, 2, 4, 1);
            assertArrayEquals(new float[] {0, 1, 2, 0, 0, 3, 4, 0, 0, 5, 6, 0}, t.toFloats());
        }
    }

    @Test
    void integerIdsAreStoredExactly() {
        try (HostTensor t = HostTensor.allocate(env, TensorDtype.INT32, new long[] {1, 4})) {
            t.writeInts(new long[] {0, 1, 77, 49407});
            assertArrayEquals(new float[] {0, 1, 77, 49407}, t.toFloats());
        }
    }
}
