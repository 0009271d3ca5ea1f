package dev.stylize.runtime;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * {@code manifest.json} of a model directory: one entry per pipeline component plus the pipeline
 * constants that belong to the weights (latent channels, VAE scale/shift, text length).
 *
 * <p>Component keys are {@link Component#key()}; each entry maps the canonical tensor roles of
 * {@link Component} (spec §11 names) to the names the graph actually uses.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelManifest(
        int manifestVersion,
        String id,
        String description,
        Constants constants,
        Map<String, ComponentSpec> components) {

    public static final int VERSION = 1;

    /** Constants of the model family; FLUX.1 values in {@link #FLUX1}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Constants(
            int latentChannels,
            double scalingFactor,
            double shiftFactor,
            int vaeScaleFactor,
            int textLength,
            int textWidth,
            int pooledWidth,
            int clipLength,
            int siglipImageSize,
            int siglipPatchSize,
            int siglipWidth) {}

    /** FLUX.1 [dev] / Fill / Redux constants (spec §1). */
    public static final Constants FLUX1 =
            new Constants(16, 0.3611, 0.1159, 8, 512, 4096, 768, 77, 384, 14, 1152);

    /** One ONNX graph. {@code provider} is the preferred execution provider: cuda, tensorrt or cpu. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ComponentSpec(
            String file,
            String sha256,
            List<DataFile> dataFiles,
            String provider,
            Map<String, String> inputs,
            Map<String, String> outputs,
            String tokenizer,
            String tokenizerSha256) {}

    /** External-data file of a graph over 2 GB, verified like the graph itself. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record DataFile(String file, String sha256) {}
}
