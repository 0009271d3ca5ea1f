package dev.stylize.pipeline;

import dev.stylize.runtime.Component.TransformerRoles;
import dev.stylize.runtime.HostTensor;
import dev.stylize.runtime.ModelSession;
import dev.stylize.runtime.RunControl;
import java.util.HashMap;
import java.util.Map;

/**
 * The Fill or dev transformer as the Euler loop sees it: the velocity v(x, σ). The inputs that do not
 * change between steps (text, pooled, ids, guidance, the Fill conditioning columns of hidden_states)
 * are written once; each call rewrites only the x columns of hidden_states and the timestep
 * (docs/pipeline.md#fill-transformer-input, #position-ids, #timestep-and-guidance). The tensors are the session's
 * reusable ones ({@link ModelSession#reusableInput}): every element is written before the first call.
 */
final class TransformerFeed implements AutoCloseable {
    private final ModelSession transformer;
    private final Map<String, HostTensor> feed = new HashMap<>();
    private final int tokens;
    private final int xWidth;
    private final int width;
    private final HostTensor hidden;
    private final HostTensor timestep;

    TransformerFeed(ModelSession transformer, LatentGrid grid, Denoiser.Conditioning conditioning, float guidance) {
        this.transformer = transformer;
        tokens = grid.tokens();
        xWidth = grid.tokenWidth();
        float[] fill = conditioning.fillColumns();
        width = fill == null ? xWidth : xWidth + fill.length / tokens;
        try {
            hidden = add(TransformerRoles.HIDDEN_STATES,
                    transformer.reusableInput(TransformerRoles.HIDDEN_STATES, 1, tokens, width));
            if (fill != null) {
                hidden.writeColumns(fill, tokens, width - xWidth, width, xWidth);
            }
            int rows = conditioning.textRows();
            add(TransformerRoles.ENCODER_HIDDEN_STATES, conditioning.text(), 1, rows, conditioning.textWidth());
            add(TransformerRoles.POOLED_PROJECTIONS, conditioning.pooled(), 1, conditioning.pooled().length);
            add(TransformerRoles.IMG_IDS, PositionIds.imageIds(grid.h(), grid.w()), tokens, 3);
            add(TransformerRoles.TXT_IDS, PositionIds.textIds(rows), rows, 3);
            add(TransformerRoles.GUIDANCE, new float[] {guidance}, 1);
            timestep = add(TransformerRoles.TIMESTEP, transformer.reusableInput(TransformerRoles.TIMESTEP, 1));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** v at (x, σ): x is the packed latent (N_img, 4C); v has its shape. */
    float[] velocity(float[] x, float sigma, RunControl control) {
        hidden.writeColumns(x, tokens, xWidth, width, 0);
        timestep.write(new float[] {sigma});
        return transformer.run(feed, control).get(TransformerRoles.LATENT);
    }

    private HostTensor add(String role, HostTensor tensor) {
        feed.put(role, tensor);
        return tensor;
    }

    private void add(String role, float[] values, long... shape) {
        // Taken first, then written: a write that fails still leaves the tensor in the feed, which close() gives back.
        add(role, transformer.reusableInput(role, shape)).write(values);
    }

    @Override
    public void close() {
        feed.forEach(transformer::release);
    }
}
