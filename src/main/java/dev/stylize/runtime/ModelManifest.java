package dev.stylize.runtime;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code manifest.json} of a model directory: one entry per pipeline component plus the pipeline
 * constants that belong to the weights (latent channels, VAE scale/shift, text length).
 *
 * <p>Component keys are {@link Component#key()}; each entry maps the canonical tensor roles of
 * {@link Component} (docs/pipeline.md#onnx-tensor-contract) to the names the graph actually uses.
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

    /** FLUX.1 [dev] / Fill / Redux constants (docs/pipeline.md#notation). */
    public static final Constants FLUX1 =
            new Constants(16, 0.3611, 0.1159, 8, 512, 4096, 768, 77, 384, 14, 1152);

    /**
     * One ONNX graph. {@code provider} is the preferred execution provider: cuda, tensorrt or cpu.
     * {@code cost} is set only by analytic cost profiles (docs/cost-model.md).
     */
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
            String tokenizerSha256,
            Cost cost) {

        /** A component without a modelled cost (every real export). */
        public ComponentSpec(String file, String sha256, List<DataFile> dataFiles, String provider,
                Map<String, String> inputs, Map<String, String> outputs, String tokenizer, String tokenizerSha256) {
            this(file, sha256, dataFiles, provider, inputs, outputs, tokenizer, tokenizerSha256, null);
        }
    }

    /**
     * Modelled time of one run of an analytic cost-profile component (docs/cost-model.md):
     * {@code ms = items·(msPerUnit·u + msPerUnitSquared·u²)}, where {@code items} names one input
     * dimension (the batch) and u is the sum over {@code units} of products of input dimensions.
     * A dimension is written {@code role:axis}, a product joins dimensions with {@code *}.
     *
     * <p>The graph in {@code file} burns CPU in these proportions; {@code cheapFile} is the same
     * graph without that compute, run instead when the GPU is simulated
     * ({@link RuntimeConfig#simulateGpu()}).
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Cost(
            String items,
            List<String> units,
            double msPerUnit,
            double msPerUnitSquared,
            String cheapFile,
            String cheapSha256) {

        /** One input dimension: axis {@code axis} of the input with role {@code role}. */
        public record Dim(String role, int axis) {
            public static Dim parse(String text) {
                int colon = text.lastIndexOf(':');
                if (colon <= 0) {
                    throw new IllegalArgumentException("cost dimension '" + text + "' is not role:axis");
                }
                try {
                    return new Dim(text.substring(0, colon).trim(), Integer.parseInt(text.substring(colon + 1).trim()));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("cost dimension '" + text + "' is not role:axis");
                }
            }

            @Override
            public String toString() {
                return role + ":" + axis;
            }
        }

        /** {@code items} parsed. */
        public Dim itemsDim() {
            return Dim.parse(items);
        }

        /** {@code units} parsed: the outer list is summed, each inner list multiplied. */
        public List<List<Dim>> unitTerms() {
            List<List<Dim>> terms = new ArrayList<>();
            for (String term : units) {
                List<Dim> dims = new ArrayList<>();
                for (String d : term.split("\\*")) {
                    dims.add(Dim.parse(d));
                }
                terms.add(List.copyOf(dims));
            }
            return List.copyOf(terms);
        }

        /** Modelled milliseconds of one run over {@code items} items of {@code u} units each. */
        public double ms(long items, double u) {
            return items * (msPerUnit * u + msPerUnitSquared * u * u);
        }
    }

    /** External-data file of a graph over 2 GB, verified like the graph itself. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record DataFile(String file, String sha256) {}
}
