package dev.stylize.runtime;

import dev.stylize.job.ErrorCode;
import dev.stylize.job.ParamTable;
import dev.stylize.job.StylizeException;
import dev.stylize.runtime.Component.TransformerRoles;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The explicit TensorRT optimisation profile of a transformer graph, as the ONNX Runtime TensorRT
 * provider options {@code trt_profile_min_shapes}, {@code trt_profile_opt_shapes} and
 * {@code trt_profile_max_shapes} ({@code name:d0xd1x…,name:…}). With explicit profiles TensorRT builds one
 * engine for the whole range (and ONNX Runtime rebuilds nothing when a new size comes); it requires all
 * three for every dynamic input once one is given.
 *
 * <p>Each dynamic axis gets its range from what it counts: the batch is always 1 (the pipeline runs one
 * image at a time); image tokens come from the canvas sizes the pipeline may produce; text rows are the
 * T5 length plus one reference's tokens per reference, from none to {@link ParamTable#MAX_REFERENCES}
 * (the {@code concat} blend; {@code sum} and {@code sum_conditioning} stay within it). A dynamic axis the
 * contract fixes (a channel width, the 3 of the position ids) gets the contract's size.
 */
public record TensorRtProfiles(String minShapes, String optShapes, String maxShapes) {

    private enum Axis { BATCH, IMAGE_TOKENS, TEXT_TOKENS }

    /** Rows of the transformer's text sequence: T5's length + 0 … MAX_REFERENCES references of Redux tokens. */
    public static TokenRange textTokens(ModelManifest.Constants constants) {
        int grid = constants.siglipImageSize() / constants.siglipPatchSize();
        int perReference = grid * grid;
        int text = constants.textLength();
        return new TokenRange(text, text + perReference, text + ParamTable.MAX_REFERENCES * perReference);
    }

    /**
     * @param roles    the manifest's role → graph input name map of the component
     * @param declared the graph's declared inputs (shapes with -1 on dynamic axes)
     * @return null when no input has a dynamic axis (TensorRT then needs no profile)
     */
    static TensorRtProfiles of(Component component, ModelManifest.Constants constants, Map<String, String> roles,
            Map<String, long[]> declared, TokenRange imageTokens) {
        if (component != Component.FILL_TRANSFORMER && component != Component.DEV_TRANSFORMER) {
            throw new IllegalArgumentException(component.key() + " has no TensorRT profile of its own");
        }
        TokenRange text = textTokens(constants);
        List<String> min = new ArrayList<>();
        List<String> opt = new ArrayList<>();
        List<String> max = new ArrayList<>();
        for (String role : component.inputRoles()) {
            String name = roles.get(role);
            long[] shape = name == null ? null : declared.get(name);
            if (shape == null) {
                throw new StylizeException(ErrorCode.MODEL_IO_MISMATCH, component.key() + ": input role '" + role
                        + "' -> '" + name + "' is not among the graph's inputs " + declared.keySet());
            }
            if (Arrays.stream(shape).noneMatch(d -> d < 0)) {
                continue; // static: TensorRT needs no range
            }
            long[] contract = IoContract.expectedShape(component, role, constants);
            if (contract.length != shape.length) {
                throw new StylizeException(ErrorCode.MODEL_IO_MISMATCH, component.key() + ": input '" + name
                        + "' has rank " + shape.length + " " + Arrays.toString(shape) + ", expected rank "
                        + contract.length);
            }
            long[][] dims = new long[3][shape.length];
            for (int i = 0; i < shape.length; i++) {
                long[] range = shape[i] >= 0 ? fixed(shape[i])
                        : contract[i] != IoContract.ANY ? fixed(contract[i])
                        : switch (axis(role, i)) {
                            case BATCH -> fixed(1);
                            case IMAGE_TOKENS -> range(imageTokens);
                            case TEXT_TOKENS -> range(text);
                        };
                for (int k = 0; k < 3; k++) {
                    dims[k][i] = range[k];
                }
            }
            min.add(entry(name, dims[0]));
            opt.add(entry(name, dims[1]));
            max.add(entry(name, dims[2]));
        }
        return min.isEmpty() ? null
                : new TensorRtProfiles(String.join(",", min), String.join(",", opt), String.join(",", max));
    }

    /** What an axis the contract leaves free counts (docs/pipeline.md#onnx-tensor-contract). */
    private static Axis axis(String role, int index) {
        return switch (role) {
            case TransformerRoles.HIDDEN_STATES -> index == 1 ? Axis.IMAGE_TOKENS : Axis.BATCH;
            case TransformerRoles.ENCODER_HIDDEN_STATES -> index == 1 ? Axis.TEXT_TOKENS : Axis.BATCH;
            case TransformerRoles.IMG_IDS -> Axis.IMAGE_TOKENS; // (N_img, 3)
            case TransformerRoles.TXT_IDS -> Axis.TEXT_TOKENS; // (L_txt, 3)
            default -> Axis.BATCH; // pooled_projections, timestep, guidance
        };
    }

    private static long[] fixed(long d) {
        return new long[] {d, d, d};
    }

    private static long[] range(TokenRange r) {
        return new long[] {r.min(), r.opt(), r.max()};
    }

    private static String entry(String name, long[] dims) {
        if (name.indexOf(',') >= 0 || name.indexOf(':') >= 0) {
            throw new StylizeException(ErrorCode.MODEL_IO_MISMATCH, "input '" + name
                    + "' cannot be named in a TensorRT profile (',' and ':' separate its entries)");
        }
        StringBuilder sb = new StringBuilder(name).append(':');
        for (int i = 0; i < dims.length; i++) {
            sb.append(i > 0 ? "x" : "").append(dims[i]);
        }
        return sb.toString();
    }
}
