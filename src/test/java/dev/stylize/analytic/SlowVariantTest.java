package dev.stylize.analytic;

import static dev.stylize.analytic.Fixtures.H;
import static dev.stylize.analytic.Fixtures.LH;
import static dev.stylize.analytic.Fixtures.LW;
import static dev.stylize.analytic.Fixtures.N;
import static dev.stylize.analytic.Fixtures.W;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnx.proto.OnnxMl;
import dev.stylize.analytic.ReferencePacking.Layout;
import dev.stylize.runtime.Component;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The slow variant adds real MatMuls but no value change: outputs are bit-identical to the fast set. */
class SlowVariantTest {

    static final int SIZE = 64;
    static final int REPEATS = 3;

    @TempDir
    Path fastDir;
    @TempDir
    Path slowDir;

    @Test
    void slowTransformersEqualFastOnesAndReallyMultiply() throws Exception {
        AnalyticModels.Options fast = AnalyticModels.Options.defaults().withTextEncoders(false);
        AnalyticModels.write(fastDir, fast);
        AnalyticModels.write(slowDir, fast.withSlowMatmul(SIZE, REPEATS));

        float[] x = Fixtures.gaussian(16 * LH * LW, 13);
        float[] zc = AnalyticOracle.normalize(AnalyticOracle.vaeEncode(Fixtures.gradientCanvas(), H, W));
        int rows = 512 + 4;
        float[] text = TransformerInputs.encoderHiddenStates(rows, 8);
        float[] fillHs = ReferencePacking.fillHiddenStates(ReferencePacking.packLatent(x, 16, LH, LW),
                ReferencePacking.packLatent(zc, 16, LH, LW),
                ReferencePacking.packMask(Fixtures.lShapedMask(), H, W, Layout.SPEC), N);
        float[] devHs = ReferencePacking.packLatent(x, 16, LH, LW);
        for (Component c : List.of(Component.FILL_TRANSFORMER, Component.DEV_TRANSFORMER)) {
            float[] hs = c == Component.FILL_TRANSFORMER ? fillHs : devHs;
            long width = hs.length / N;
            float[] expected;
            float[] actual;
            try (OrtGraph g = OrtGraph.open(fastDir, c)) {
                expected = TransformerInputs.withCommonInputs(g.put("hidden_states", hs, 1, N, width),
                        text, rows, 0.4f, ReferencePacking.imgIds(LH, LW)).run().get("latent");
            }
            try (OrtGraph g = OrtGraph.open(slowDir, c)) {
                actual = TransformerInputs.withCommonInputs(g.put("hidden_states", hs, 1, N, width),
                        text, rows, 0.4f, ReferencePacking.imgIds(LH, LW)).run().get("latent");
            }
            assertArrayEquals(expected, actual, c.key());

            OnnxMl.GraphProto graph = OnnxMl.ModelProto.parseFrom(
                    Files.readAllBytes(slowDir.resolve(c.key()).resolve("model.onnx"))).getGraph();
            assertEquals(REPEATS, graph.getNodeList().stream().filter(n -> n.getOpType().equals("MatMul")).count());
        }
    }
}
