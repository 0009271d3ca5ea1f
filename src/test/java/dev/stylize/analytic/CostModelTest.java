package dev.stylize.analytic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stylize.runtime.Component;
import dev.stylize.runtime.ModelManifest;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The cost model against the figures derived by hand in docs/cost-model.md (parameter counts,
 * FLOPs at 2048×1024) and the reference points.
 */
class CostModelTest {

    private static double tflops(Component c) {
        return CostModel.stage(c).referenceFlops() / 1e12;
    }

    @Test
    void flopsAtTheReferenceMatchTheHandDerivation() {
        // Fill: 57 blocks × 12·3072² = 6 455 033 856 weights per token, 9433 tokens, attention 4·3072·57·n².
        assertEquals(2 * 6_455_033_856.0, CostModel.FILL.flopsPerUnit(), 0);
        assertEquals(9433, CostModel.FILL.referenceUnits(), 0);
        assertEquals(184.10, tflops(Component.FILL_TRANSFORMER), 0.01);
        // T5-XXL at 512 tokens: the "≈ 4.9 TFLOP".
        assertEquals(4.845, tflops(Component.T5), 0.001);
        assertEquals(0.01330, tflops(Component.CLIP), 0.00001);
        assertEquals(0.6664, tflops(Component.SIGLIP), 0.0001);
        assertEquals(0.09402, tflops(Component.REDUX), 0.00001);
        // VAE, per pixel from the conv stacks (docs/cost-model.md, "VAE"), plus mid-block attention.
        assertEquals(4_132_096, CostModel.vaeEncoderFlopsPerPixel(), 0);
        assertEquals(9_462_784, CostModel.vaeDecoderFlopsPerPixel(), 0);
        assertEquals(10.865, tflops(Component.VAE_ENCODER), 0.001);
        assertEquals(22.044, tflops(Component.VAE_DECODER), 0.001);
    }

    @Test
    void productionTimesFollowTheCalibration() {
        assertEquals(0.5, CostModel.FILL.productionSeconds(), 1e-12);
        assertEquals(CostModel.FILL.productionSeconds(), CostModel.DEV.productionSeconds(), 1e-12);
        // T5 fp32 on 8 cores: "several seconds to tens of seconds".
        double t5 = CostModel.T5.productionSeconds();
        assertTrue(t5 > 3 && t5 < 30, "T5 " + t5 + " s");
        // Fill dominant, T5 large, then the VAE; CLIP and SigLIP + Redux small (the latter 57× CLIP's
        // FLOPs, but on the GPU).
        double fillJob = CostModel.REFERENCE_STEPS * CostModel.FILL.productionSeconds();
        List<Double> order = List.of(fillJob, t5, CostModel.VAE_DECODER.productionSeconds(),
                CostModel.VAE_ENCODER.productionSeconds(), CostModel.CLIP.productionSeconds(),
                CostModel.SIGLIP.productionSeconds() + CostModel.REDUX.productionSeconds());
        for (int i = 1; i < order.size(); i++) {
            assertTrue(order.get(i - 1) > order.get(i), "stage order at " + i + ": " + order);
        }
        assertEquals(6020, CostModel.referenceJobMs(), 5);
    }

    @Test
    void manifestCostAndBurnAgreeWithTheModelledTime() {
        for (CostModel.Stage s : CostModel.stages()) {
            ModelManifest.Cost cost = s.cost("x", "y");
            double ms = cost.ms(1, s.referenceUnits());
            assertEquals(s.modelledMs(), ms, 1e-9 * ms, s.component().key());
            assertEquals(CostModel.TIME_SCALE * 1000 * s.productionSeconds(), ms, 1e-9 * ms);
            // The burned FLOPs take the modelled time at BURN_FLOPS; ceilings add < 1 % at the reference.
            double burned = CostGraphs.burn(cost, s.referenceUnits()).flops(1, s.referenceUnits());
            double modelled = ms * CostModel.BURN_FLOPS / 1000;
            assertTrue(burned >= modelled && burned < 1.01 * modelled,
                    s.component().key() + ": burned " + burned + ", modelled " + modelled);
            // Quadratic terms only where attention is (Redux is two dense layers).
            assertEquals(s.component() != Component.REDUX, cost.msPerUnitSquared() > 0, s.component().key());
        }
    }

    @Test
    void burnMemoryStaysBoundedAtTheReference() {
        for (CostModel.Stage s : CostModel.stages()) {
            CostGraphs.Burn burn = CostGraphs.burn(s.cost("x", "y"), s.referenceUnits());
            double rows = Math.ceil(s.referenceUnits() * burn.rowsPerUnit());
            assertTrue(rows <= CostGraphs.MAX_REFERENCE_ROWS, s.component().key() + " rows " + rows);
            double attentionRows = s.referenceUnits() * burn.attentionRowsPerUnit();
            assertTrue(attentionRows < 2048, s.component().key() + " attention rows " + attentionRows);
        }
    }
}
