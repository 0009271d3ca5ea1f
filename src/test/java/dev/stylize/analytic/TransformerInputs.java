package dev.stylize.analytic;

import static dev.stylize.analytic.Fixtures.N;

/** Transformer inputs other than hidden_states, shared by the transformer tests. */
final class TransformerInputs {

    private TransformerInputs() {}

    /**
     * Text rows carry colour-channel values of 3 (which would dominate c if the graph read them),
     * Redux rows random colours in [-1,1] and the Redux flag.
     */
    static float[] encoderHiddenStates(int rows, long seed) {
        float[] ehs = Fixtures.uniform(rows * 4096, -1f, 1f, seed);
        for (int r = 0; r < Math.min(rows, AnalyticModels.TEXT_ROWS); r++) {
            for (int ch = 0; ch < 3; ch++) {
                ehs[r * 4096 + ch] = 3f;
            }
        }
        for (int r = AnalyticModels.TEXT_ROWS; r < rows; r++) {
            ehs[r * 4096 + AnalyticModels.REDUX_FLAG_CHANNEL] = 1f;
        }
        return ehs;
    }

    static OrtGraph withCommonInputs(OrtGraph g, float[] ehs, int rows, float sigma, float[] imgIds) {
        return g.put("encoder_hidden_states", ehs, 1, rows, 4096)
                .put("pooled_projections", Fixtures.uniform(768, -1, 1, 9), 1, 768)
                .put("timestep", new float[] {sigma}, 1)
                .put("img_ids", imgIds, N, 3)
                .put("txt_ids", new float[rows * 3], rows, 3)
                .put("guidance", new float[] {30f}, 1);
    }
}
