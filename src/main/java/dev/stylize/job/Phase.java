package dev.stylize.job;

/** Phases of a job; the same words name log lines, progress events and metrics. */
public enum Phase {
    QUEUED,
    FETCHING,
    ENCODING,
    DENOISING,
    DECODING,
    UPLOADING
}
