package dev.stylize.runtime;

import dev.stylize.runtime.Component.ClipRoles;
import dev.stylize.runtime.Component.ReduxRoles;
import dev.stylize.runtime.Component.SiglipRoles;
import dev.stylize.runtime.Component.T5Roles;
import dev.stylize.runtime.Component.TransformerRoles;
import dev.stylize.runtime.Component.VaeDecoderRoles;
import dev.stylize.runtime.Component.VaeEncoderRoles;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs every component of a loaded model set once on small inputs (a 64×64 canvas, the manifest's text
 * lengths) and reports what came out: the first thing to run after exporting real weights, since a graph
 * can match the I/O contract and still produce NaN, or the wrong shape for a size it was not traced at.
 */
public final class ComponentSmoke {
    /** Canvas side of the smoke inputs: 64 px = an 8×8 latent = 16 image tokens. */
    static final int CANVAS = 64;

    /** One component's run: its outputs, or why it failed. */
    public record Report(Component component, Provider provider, long millis, Map<String, ModelSession.Output> outputs,
            String error) {
        /** Every output value finite, and no error. */
        public boolean ok() {
            if (error != null) {
                return false;
            }
            for (ModelSession.Output o : outputs.values()) {
                for (float v : o.values()) {
                    if (!Float.isFinite(v)) {
                        return false;
                    }
                }
            }
            return true;
        }
    }

    private ComponentSmoke() {}

    /** Every component of the set, in pipeline order. */
    public static List<Report> run(ModelSet set) {
        List<Report> reports = new ArrayList<>();
        for (Component c : Component.values()) {
            set.optional(c).ifPresent(s -> reports.add(run(s, set.constants())));
        }
        return reports;
    }

    static Report run(ModelSession session, ModelManifest.Constants constants) {
        Map<String, HostTensor> inputs = new LinkedHashMap<>();
        try (RunControl control = new RunControl()) {
            for (String role : session.component().inputRoles()) {
                inputs.put(role, input(session, role, shape(session.component(), role, constants)));
            }
            long t0 = System.nanoTime();
            Map<String, ModelSession.Output> out = session.runOutputs(inputs, control);
            return new Report(session.component(), session.provider(), (System.nanoTime() - t0) / 1_000_000, out, null);
        } catch (RuntimeException e) {
            return new Report(session.component(), session.provider(), 0, Map.of(), e.getMessage());
        } finally {
            inputs.values().forEach(HostTensor::close);
        }
    }

    /** The input shape the pipeline would feed for a 64×64 canvas (batch 1). */
    static long[] shape(Component c, String role, ModelManifest.Constants k) {
        int latentSide = CANVAS / k.vaeScaleFactor();
        int imageTokens = (latentSide / 2) * (latentSide / 2);
        int packed = 4 * k.latentChannels();
        int grid = k.siglipImageSize() / k.siglipPatchSize();
        return switch (role) {
            case SiglipRoles.PIXEL_VALUES -> new long[] {1, 3, k.siglipImageSize(), k.siglipImageSize()};
            case ReduxRoles.SIGLIP_EMBEDS -> new long[] {1, (long) grid * grid, k.siglipWidth()};
            case T5Roles.INPUT_IDS -> new long[] {1, c == Component.CLIP ? k.clipLength() : k.textLength()};
            case VaeEncoderRoles.IMAGES -> new long[] {1, 3, CANVAS, CANVAS};
            case VaeDecoderRoles.LATENT -> new long[] {1, k.latentChannels(), latentSide, latentSide};
            case TransformerRoles.HIDDEN_STATES -> new long[] {1, imageTokens,
                    c == Component.FILL_TRANSFORMER ? 2L * packed + Component.FILL_MASK_CHANNELS : packed};
            case TransformerRoles.ENCODER_HIDDEN_STATES -> new long[] {1, k.textLength(), k.textWidth()};
            case TransformerRoles.POOLED_PROJECTIONS -> new long[] {1, k.pooledWidth()};
            case TransformerRoles.TIMESTEP, TransformerRoles.GUIDANCE -> new long[] {1};
            case TransformerRoles.IMG_IDS -> new long[] {imageTokens, 3};
            case TransformerRoles.TXT_IDS -> new long[] {k.textLength(), 3};
            default -> throw new IllegalArgumentException(c.key() + ": no smoke input for role " + role);
        };
    }

    /**
     * A deterministic input: token ids 0 (padding, valid for any vocabulary), σ = 1 and guidance 3.5 for
     * the transformer's scalars, a smooth pattern in [−1, 1] for everything else.
     */
    private static HostTensor input(ModelSession s, String role, long[] shape) {
        if (role.equals(T5Roles.INPUT_IDS) || role.equals(ClipRoles.INPUT_IDS)) {
            return s.inputIds(role, new long[(int) HostTensor.elementCount(shape)], shape);
        }
        float[] values = new float[(int) HostTensor.elementCount(shape)];
        if (role.equals(TransformerRoles.TIMESTEP)) {
            values[0] = 1f;
        } else if (role.equals(TransformerRoles.GUIDANCE)) {
            values[0] = 3.5f;
        } else if (!role.equals(TransformerRoles.IMG_IDS) && !role.equals(TransformerRoles.TXT_IDS)) {
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) Math.sin(i * 0.37);
            }
        }
        return s.input(role, values, shape);
    }
}
