package dev.stylize.job;

/**
 * Typed failure reasons. A code flows unchanged from where it is raised (decoder, validator, model
 * loader, pipeline) to the CLI's exit message and, in the worker, to the result event.
 */
public enum ErrorCode {
    // request / parameters
    INVALID_JSON,
    SCHEMA_VERSION_UNSUPPORTED,
    INVALID_REQUEST,
    UNKNOWN_MODE,
    PARAM_OUT_OF_RANGE,
    PROMPT_WITHOUT_TEXT_ENCODER,
    // images
    INVALID_IMAGE,
    UNSUPPORTED_FORMAT,
    IMAGE_TOO_LARGE,
    MASK_SIZE_MISMATCH,
    EMPTY_MASK,
    // models
    MODEL_NOT_FOUND,
    MODEL_COMPONENT_MISSING,
    MODEL_IO_MISMATCH,
    MODEL_CHECKSUM_MISMATCH,
    MODEL_LOAD_FAILED,
    // storage
    BUCKET_NOT_ALLOWED,
    OBJECT_NOT_FOUND,
    OBJECT_TOO_LARGE,
    STORAGE_UNAVAILABLE,
    // execution
    DEADLINE_EXPIRED,
    MAX_ATTEMPTS_EXCEEDED,
    /** A request under the id of a job that already succeeded with a different request (dead letter only). */
    JOB_ID_CONFLICT,
    INFERENCE_FAILED,
    CANCELLED,
    INTERNAL;

    /** True when retrying the same job cannot succeed (bad input rather than a transient fault). */
    public boolean permanent() {
        return this != INFERENCE_FAILED && this != INTERNAL && this != STORAGE_UNAVAILABLE;
    }
}
