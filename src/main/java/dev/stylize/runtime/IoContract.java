package dev.stylize.runtime;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import dev.stylize.job.ErrorCode;
import dev.stylize.runtime.Component.ClipRoles;
import dev.stylize.runtime.Component.ReduxRoles;
import dev.stylize.runtime.Component.SiglipRoles;
import dev.stylize.runtime.Component.T5Roles;
import dev.stylize.runtime.Component.TransformerRoles;
import dev.stylize.runtime.Component.VaeDecoderRoles;
import dev.stylize.runtime.Component.VaeEncoderRoles;
import dev.stylize.job.StylizeException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tensor contract (docs/pipeline.md#onnx-tensor-contract), checked against what a graph declares: every role the manifest
 * maps must exist with the right rank, fixed dimensions and kind of dtype (an optional output role
 * only when the manifest maps it), and the graph may not require inputs the manifest does not know. {@code ANY} marks an axis that may be dynamic or any size.
 */
final class IoContract {
    static final long ANY = -1;

    private record Expected(long[] dims, boolean integer) {}

    private IoContract() {}

    static void validate(Component component, ModelManifest.Constants constants, ModelManifest.ComponentSpec spec,
            Map<String, NodeInfo> graphInputs, Map<String, NodeInfo> graphOutputs) {
        List<String> problems = new ArrayList<>();
        check(component, "input", spec.inputs(), graphInputs, constants, problems);
        check(component, "output", spec.outputs(), graphOutputs, constants, problems);
        Set<String> mapped = Set.copyOf(spec.inputs().values());
        for (String name : graphInputs.keySet()) {
            if (!mapped.contains(name)) {
                problems.add("graph input '" + name + "' is not mapped in the manifest");
            }
        }
        if (!problems.isEmpty()) {
            throw new StylizeException(ErrorCode.MODEL_IO_MISMATCH,
                    component.key() + ": " + String.join("; ", problems));
        }
    }

    private static void check(Component component, String kind, Map<String, String> roles,
            Map<String, NodeInfo> declared, ModelManifest.Constants constants, List<String> problems) {
        List<String> required = kind.equals("input") ? component.inputRoles() : component.outputRoles();
        List<String> checked = new ArrayList<>(required);
        if (kind.equals("output")) {
            checked.addAll(component.optionalOutputRoles());
        }
        for (String role : checked) {
            String name = roles == null ? null : roles.get(role);
            if (name == null) {
                if (required.contains(role)) {
                    problems.add(kind + " role '" + role + "' is not mapped in the manifest");
                }
                continue;
            }
            NodeInfo node = declared.get(name);
            if (node == null) {
                problems.add("manifest " + kind + " '" + role + "' -> '" + name + "' but the graph declares "
                        + declared.keySet());
                continue;
            }
            ValueInfo info = node.getInfo();
            if (!(info instanceof TensorInfo t)) {
                problems.add(kind + " '" + name + "' is not a tensor");
                continue;
            }
            Expected e = expected(component, role, constants);
            long[] shape = t.getShape();
            if (shape.length != e.dims.length) {
                problems.add(kind + " '" + name + "' has rank " + shape.length + " " + Arrays.toString(shape)
                        + ", expected " + describe(e.dims));
                continue;
            }
            for (int i = 0; i < shape.length; i++) {
                if (e.dims[i] != ANY && shape[i] >= 0 && shape[i] != e.dims[i]) {
                    problems.add(kind + " '" + name + "' has shape " + Arrays.toString(shape) + ", expected "
                            + describe(e.dims));
                    break;
                }
            }
            TensorDtype dtype;
            try {
                dtype = TensorDtype.of(t.type);
            } catch (IllegalArgumentException ex) {
                problems.add(kind + " '" + name + "' has unsupported type " + t.type);
                continue;
            }
            if (e.integer == dtype.isFloatingPoint()) {
                problems.add(kind + " '" + name + "' is " + dtype + ", expected "
                        + (e.integer ? "int32/int64" : "float32/float16/bfloat16"));
            }
        }
    }

    /** The shape the contract expects for a role, {@link #ANY} on the axes it leaves free. */
    static long[] expectedShape(Component c, String role, ModelManifest.Constants constants) {
        return expected(c, role, constants).dims.clone();
    }

    private static Expected expected(Component c, String role, ModelManifest.Constants constants) {
        int grid = constants.siglipImageSize() / constants.siglipPatchSize();
        int tokens = grid * grid;
        int packed = constants.latentChannels() * 4;
        return switch (c) {
            case SIGLIP -> role.equals(SiglipRoles.PIXEL_VALUES)
                    ? f(ANY, 3, constants.siglipImageSize(), constants.siglipImageSize())
                    : f(ANY, tokens, constants.siglipWidth());
            case REDUX -> role.equals(ReduxRoles.SIGLIP_EMBEDS)
                    ? f(ANY, tokens, constants.siglipWidth())
                    : f(ANY, tokens, constants.textWidth());
            case T5 -> role.equals(T5Roles.INPUT_IDS)
                    ? i(ANY, constants.textLength())
                    : f(ANY, constants.textLength(), constants.textWidth());
            case CLIP -> role.equals(ClipRoles.INPUT_IDS)
                    ? i(ANY, constants.clipLength())
                    : f(ANY, constants.pooledWidth());
            // latent and logvar alike: (B, C, h, w)
            case VAE_ENCODER -> role.equals(VaeEncoderRoles.IMAGES)
                    ? f(ANY, 3, ANY, ANY)
                    : f(ANY, constants.latentChannels(), ANY, ANY);
            case VAE_DECODER -> role.equals(VaeDecoderRoles.LATENT)
                    ? f(ANY, constants.latentChannels(), ANY, ANY)
                    : f(ANY, 3, ANY, ANY);
            case FILL_TRANSFORMER, DEV_TRANSFORMER -> switch (role) {
                // Fill: [x (4c) | masked-image latent (4c) | mask (8*8*4)] (docs/pipeline.md#fill-transformer-input)
                case TransformerRoles.HIDDEN_STATES -> f(ANY, ANY,
                        c == Component.FILL_TRANSFORMER ? 2 * packed + Component.FILL_MASK_CHANNELS : packed);
                case TransformerRoles.ENCODER_HIDDEN_STATES -> f(ANY, ANY, constants.textWidth());
                case TransformerRoles.POOLED_PROJECTIONS -> f(ANY, constants.pooledWidth());
                case TransformerRoles.TIMESTEP, TransformerRoles.GUIDANCE -> f(ANY);
                case TransformerRoles.IMG_IDS, TransformerRoles.TXT_IDS -> f(ANY, 3);
                case TransformerRoles.LATENT -> f(ANY, ANY, packed);
                default -> throw new IllegalArgumentException(role);
            };
        };
    }

    private static Expected f(long... dims) {
        return new Expected(dims, false);
    }

    private static Expected i(long... dims) {
        return new Expected(dims, true);
    }

    private static String describe(long[] dims) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < dims.length; i++) {
            sb.append(i > 0 ? ", " : "").append(dims[i] == ANY ? "*" : Long.toString(dims[i]));
        }
        return sb.append(')').toString();
    }
}
