package dev.stylize.runtime;

import java.util.List;

/**
 * The pipeline's ONNX components and the tensor roles each must expose (docs/pipeline.md#onnx-tensor-contract), plus the optional
 * output roles a graph may expose (checked only when the manifest maps them). Role names are the
 * canonical names; a manifest maps them to a graph's own names.
 */
public enum Component {
    SIGLIP("siglip", true, List.of("pixel_values"), List.of("last_hidden_state")),
    REDUX("redux", true, List.of("siglip_embeds"), List.of("image_embeds")),
    T5("t5", false, List.of("input_ids"), List.of("text_embeddings")),
    CLIP("clip", false, List.of("input_ids"), List.of("pooled_embeddings")),
    /**
     * {@code latent}: the posterior mean, raw (the pipeline normalizes it); optional {@code logvar}: the
     * log-variance of the same raw posterior, same shape, needed only for {@code posterior: sample}.
     */
    VAE_ENCODER("vae_encoder", true, List.of("images"), List.of("latent"), List.of(VaeEncoder.LOGVAR)),
    VAE_DECODER("vae_decoder", true, List.of("latent"), List.of("images")),
    FILL_TRANSFORMER("fill_transformer", true, Transformer.INPUTS, List.of("latent")),
    DEV_TRANSFORMER("dev_transformer", false, Transformer.INPUTS, List.of("latent"));

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

    /** VAE encoder output roles. */
    public static final class VaeEncoder {
        public static final String LATENT = "latent";
        public static final String LOGVAR = "logvar";

        private VaeEncoder() {}
    }

    /** Transformer input roles, shared by the Fill (384 channels) and dev (64 channels) graphs. */
    public static final class Transformer {
        public static final String HIDDEN_STATES = "hidden_states";
        public static final String ENCODER_HIDDEN_STATES = "encoder_hidden_states";
        public static final String POOLED_PROJECTIONS = "pooled_projections";
        public static final String TIMESTEP = "timestep";
        public static final String IMG_IDS = "img_ids";
        public static final String TXT_IDS = "txt_ids";
        public static final String GUIDANCE = "guidance";
        static final List<String> INPUTS = List.of(HIDDEN_STATES, ENCODER_HIDDEN_STATES,
                POOLED_PROJECTIONS, TIMESTEP, IMG_IDS, TXT_IDS, GUIDANCE);

        private Transformer() {}
    }
}
