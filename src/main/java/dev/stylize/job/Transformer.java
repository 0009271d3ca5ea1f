package dev.stylize.job;

/** Which transformer a job runs on. */
public enum Transformer {
    /** FLUX.1 Fill: 384 input channels (latent | masked-image latent | mask). */
    FILL,
    /** FLUX.1 dev: 64 input channels; Redux restyle/variation. */
    DEV
}
