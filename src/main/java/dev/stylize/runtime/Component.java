package dev.stylize.runtime;

import java.util.List;

/**
 * The pipeline's ONNX components and the tensor roles each must expose (docs/pipeline.md#onnx-tensor-contract), plus the optional
 * output roles a graph may expose (checked only when the manifest maps them). Role names are the
 * canonical names; a manifest maps them to a graph's own names.
 */
public enum Component {
    SIGLIP("siglip", true, List.of(SiglipRoles.PIXEL_VALUES), List.of(SiglipRoles.LAST_HIDDEN_STATE)),
    REDUX("redux", true, List.of(ReduxRoles.SIGLIP_EMBEDS), List.of(ReduxRoles.IMAGE_EMBEDS)),
    T5("t5", false, List.of(T5Roles.INPUT_IDS), List.of(T5Roles.TEXT_EMBEDDINGS)),
    CLIP("clip", false, List.of(ClipRoles.INPUT_IDS), List.of(ClipRoles.POOLED_EMBEDDINGS)),
    /**
     * {@code latent}: the posterior mean, raw (the pipeline normalizes it); optional {@code logvar}: the
     * log-variance of the same raw posterior, same shape, needed only for {@code posterior: sample}.
     */
    VAE_ENCODER("vae_encoder", true, List.of(VaeEncoderRoles.IMAGES), List.of(VaeEncoderRoles.LATENT),
            List.of(VaeEncoderRoles.LOGVAR)),
    VAE_DECODER("vae_decoder", true, List.of(VaeDecoderRoles.LATENT), List.of(VaeDecoderRoles.IMAGES)),
    FILL_TRANSFORMER("fill_transformer", true, TransformerRoles.INPUTS, List.of(TransformerRoles.LATENT)),
    DEV_TRANSFORMER("dev_transformer", false, TransformerRoles.INPUTS, List.of(TransformerRoles.LATENT));

    private final String key;
    private final boolean required;
    private final List<String> inputRoles;
    private final List<String> outputRoles;
    private final List<String> optionalOutputRoles;

    Component(String key, boolean required, List<String> inputRoles, List<String> outputRoles) {
        this(key, required, inputRoles, outputRoles, List.of());
    }

    Component(String key, boolean required, List<String> inputRoles, List<String> outputRoles,
            List<String> optionalOutputRoles) {
        this.key = key;
        this.required = required;
        this.inputRoles = inputRoles;
        this.outputRoles = outputRoles;
        this.optionalOutputRoles = optionalOutputRoles;
    }

    public String key() {
        return key;
    }

    public boolean required() {
        return required;
    }

    public List<String> inputRoles() {
        return inputRoles;
    }

    public List<String> outputRoles() {
        return outputRoles;
    }

    /** Outputs a graph may lack; when the manifest maps one, it is checked like a required one. */
    public List<String> optionalOutputRoles() {
        return optionalOutputRoles;
    }

    public static Component fromKey(String key) {
        for (Component c : values()) {
            if (c.key.equals(key)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown component '" + key + "'");
    }

    /**
     * Width per token of the packed Fill mask in the Fill transformer's {@code hidden_states}: 8×8 pixels
     * per latent cell, 2×2 latent cells per token (docs/pipeline.md#mask-packing).
     */
    public static final int FILL_MASK_CHANNELS = 256;

    // Role names per component, as constants so that a misspelt role is a compile error. They are the
    // manifest's keys (docs/pipeline.md#onnx-tensor-contract) and must not change.

    /** SigLIP vision tower roles. */
    public static final class SiglipRoles {
        public static final String PIXEL_VALUES = "pixel_values";
        public static final String LAST_HIDDEN_STATE = "last_hidden_state";

        private SiglipRoles() {}
    }

    /** Redux projector roles. */
    public static final class ReduxRoles {
        public static final String SIGLIP_EMBEDS = "siglip_embeds";
        public static final String IMAGE_EMBEDS = "image_embeds";

        private ReduxRoles() {}
    }

    /** T5 text encoder roles. */
    public static final class T5Roles {
        public static final String INPUT_IDS = "input_ids";
        public static final String TEXT_EMBEDDINGS = "text_embeddings";

        private T5Roles() {}
    }

    /** CLIP text encoder roles. */
    public static final class ClipRoles {
        public static final String INPUT_IDS = "input_ids";
        public static final String POOLED_EMBEDDINGS = "pooled_embeddings";
        /** The per-token sequence CLIP exports beside the pooled vector; not a contract role, nothing reads it. */
        public static final String TEXT_EMBEDDINGS = "text_embeddings";

        private ClipRoles() {}
    }

    /** VAE encoder roles. */
    public static final class VaeEncoderRoles {
        public static final String IMAGES = "images";
        public static final String LATENT = "latent";
        public static final String LOGVAR = "logvar";

        private VaeEncoderRoles() {}
    }

    /** VAE decoder roles. */
    public static final class VaeDecoderRoles {
        public static final String LATENT = "latent";
        public static final String IMAGES = "images";

        private VaeDecoderRoles() {}
    }

    /**
     * Roles of the Fill (384-channel hidden_states) and dev (64-channel) transformer graphs; the
     * output {@code latent} is the velocity of the x columns.
     */
    public static final class TransformerRoles {
        public static final String HIDDEN_STATES = "hidden_states";
        public static final String ENCODER_HIDDEN_STATES = "encoder_hidden_states";
        public static final String POOLED_PROJECTIONS = "pooled_projections";
        public static final String TIMESTEP = "timestep";
        public static final String IMG_IDS = "img_ids";
        public static final String TXT_IDS = "txt_ids";
        public static final String GUIDANCE = "guidance";
        public static final String LATENT = "latent";
        static final List<String> INPUTS = List.of(HIDDEN_STATES, ENCODER_HIDDEN_STATES,
                POOLED_PROJECTIONS, TIMESTEP, IMG_IDS, TXT_IDS, GUIDANCE);

        private TransformerRoles() {}
    }
}
