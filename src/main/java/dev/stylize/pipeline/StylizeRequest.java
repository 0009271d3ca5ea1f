package dev.stylize.pipeline;

import dev.stylize.imaging.RgbImage;
import dev.stylize.job.ResolvedParams;
import java.util.List;

/** Decoded inputs of one job. {@code target} is null for variation; {@code mask} and {@code prompt} are optional. */
public record StylizeRequest(
        String jobId,
        List<Reference> references,
        RgbImage target,
        RgbImage mask,
        String prompt,
        ResolvedParams params) {}
