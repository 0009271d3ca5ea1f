package dev.stylize.analytic;

import dev.stylize.job.ParamTable;
import dev.stylize.runtime.Component;
import dev.stylize.runtime.ModelManifest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The production cost model of the {@code production-costs} profile (docs/cost-model.md), the one
 * place for its numbers: the FLOPs of each real FLUX.1 Redux + Fill component as a function of its
 * driver (tokens or pixels), derived from the published architectures; the device each runs on in
 * production; and from those its modelled time, production time × {@link #TIME_SCALE}.
 */
public final class CostModel {

    // ---- reference workload: one composite job on a 2048×1024 canvas ---------------------------

    public static final int REFERENCE_WIDTH = 2048;
    public static final int REFERENCE_HEIGHT = 1024;
    /** Fill steps of a composite job. */
    public static final int REFERENCE_STEPS = ParamTable.STEPS.defaultValue().fixed();
    static final int T5_TOKENS = ModelManifest.FLUX1.textLength();
    static final int CLIP_TOKENS = ModelManifest.FLUX1.clipLength();
    static final int SIGLIP_PIXELS = ModelManifest.FLUX1.siglipImageSize() * ModelManifest.FLUX1.siglipImageSize();
    private static final int SIGLIP_PATCH = ModelManifest.FLUX1.siglipPatchSize();
    private static final int SIGLIP_GRID = ModelManifest.FLUX1.siglipImageSize() / SIGLIP_PATCH;
    /** SigLIP tokens = Redux tokens per reference: a valid 14×14 patch grid, 27² = 729. */
    static final int REDUX_TOKENS = SIGLIP_GRID * SIGLIP_GRID;

    // ---- calibration ------------------------------------------------------------------------

    /** Modelled time = production time × TIME_SCALE: a reference job takes ≈ 6 s instead of ≈ 24 s. */
    public static final double TIME_SCALE = 0.25;
    /** Fill transformer step on the reference canvas, H100-class GPU, bf16 (the figure). */
    static final double FILL_STEP_SECONDS = 0.5;
    /**
     * Rate of the fp32 GPU components (VAE, SigLIP, Redux: fp32 in the export) as a share of the
     * bf16 transformer's: TF32 peak is half the bf16 peak, and convolutions with GroupNorm or a
     * 729-token batch reach about half the utilisation of the transformer's large GEMMs.
     */
    static final double GPU_FP32_SHARE = 0.25;
    /** Sustained fp32 rate of T5/CLIP on the pod's 8 CPU cores (AVX-512: 1.3 TFLOP/s peak at 2.5 GHz, ~40%). */
    static final double CPU_FLOPS = 0.5e12;
    /**
     * MatMul rate of the burned graphs on the 2-core dev VM (ONNX Runtime CPU, 2 threads), measured:
     * turns modelled milliseconds into FLOPs to burn. Only the absolute times depend on it, not the
     * proportions between stages.
     */
    static final double BURN_FLOPS = 150e9;

    /** Where a component runs in production (scripts/export/export_flux.py) and in which precision. */
    public enum Device {
        GPU_BF16("cuda"), GPU_FP32("cuda"), CPU_FP32("cpu");

        /** The manifest provider the export writes for it. */
        public final String provider;

        Device(String provider) {
            this.provider = provider;
        }

        /** Sustained FLOP/s; the GPU's is calibrated so that a reference Fill step takes FILL_STEP_SECONDS. */
        public double flopsPerSecond() {
            return switch (this) {
                case GPU_BF16 -> FILL.referenceFlops() / FILL_STEP_SECONDS;
                case GPU_FP32 -> GPU_BF16.flopsPerSecond() * GPU_FP32_SHARE;
                case CPU_FP32 -> CPU_FLOPS;
            };
        }
    }

    /**
     * One component: FLOPs per run = items·(flopsPerUnit·u + flopsPerUnitSquared·u²), u the sum of
     * the products of the input dimensions in {@code units} ("role:axis", see ModelManifest.Cost).
     *
     * @param referenceUnits u on the reference job
     * @param referenceRuns  runs per reference job
     */
    public record Stage(Component component, Device device, String items, List<String> units,
            double flopsPerUnit, double flopsPerUnitSquared, double referenceUnits, int referenceRuns) {

        public double flops(double u) {
            return flopsPerUnit * u + flopsPerUnitSquared * u * u;
        }

        public double referenceFlops() {
            return flops(referenceUnits);
        }

        /** Seconds of one reference run in production. */
        public double productionSeconds() {
            return referenceFlops() / device.flopsPerSecond();
        }

        /** Milliseconds of one reference run on this scale (production × TIME_SCALE). */
        public double modelledMs() {
            return 1000 * TIME_SCALE * productionSeconds();
        }

        /** The manifest's cost of this stage (modelled ms), with the cheap graph's file. */
        ModelManifest.Cost cost(String cheapFile, String cheapSha256) {
            double msPerFlop = 1000 * TIME_SCALE / device.flopsPerSecond();
            return new ModelManifest.Cost(items, units, flopsPerUnit * msPerFlop, flopsPerUnitSquared * msPerFlop,
                    cheapFile, cheapSha256);
        }
    }

    // ---- the real networks -------------------------------------------------------------------

    /**
     * FLUX.1 Fill (and dev): 19 double-stream blocks (each token through its stream's weights)
     * and 38 single-stream blocks, hidden 3072, MLP 4×; both block kinds hold 12·3072² weights per
     * token path. The modulation weights act once per step on the pooled vector; embedders and the
     * final layer are < 0.2 %: both left out. Attention: QKᵀ and AV, 2·n²·3072 each, in all 57 blocks.
     * u = image + text tokens.
     */
    static final Stage FILL = transformer(Component.FILL_TRANSFORMER);
    static final Stage DEV = transformer(Component.DEV_TRANSFORMER);

    private static Stage transformer(Component c) {
        long hidden = 3072;
        int blocks = 19 + 38;
        double weightsPerToken = blocks * 12.0 * hidden * hidden;
        return new Stage(c, Device.GPU_BF16, "hidden_states:0", List.of("hidden_states:1", "encoder_hidden_states:1"),
                2 * weightsPerToken, 4.0 * hidden * blocks,
                (REFERENCE_WIDTH / 16) * (REFERENCE_HEIGHT / 16) + T5_TOKENS + REDUX_TOKENS, REFERENCE_STEPS);
    }

    /**
     * T5-XXL encoder: 24 layers, d_model 4096, 64 heads × 64, gated FFN 10240 (three matrices);
     * the embedding is a lookup. u = sequence length (the pipeline pads every prompt to 512).
     */
    static final Stage T5 = encoder(Component.T5, 24, 4096, 4096, 3L * 4096 * 10240, T5_TOKENS);

    /** CLIP-L text encoder: 12 layers, width 768, MLP 3072. u = sequence length (77). */
    static final Stage CLIP = encoder(Component.CLIP, 12, 768, 768, 2L * 768 * 3072, CLIP_TOKENS);

    private static Stage encoder(Component c, int layers, long width, long attentionWidth, long mlpWeights,
            int tokens) {
        double weightsPerToken = layers * (4.0 * width * attentionWidth + mlpWeights);
        return new Stage(c, Device.CPU_FP32, "input_ids:0", List.of("input_ids:1"), 2 * weightsPerToken,
                4.0 * attentionWidth * layers, tokens, 1);
    }

    /**
     * SigLIP so400m/14 at 384²: 27 layers, width 1152, MLP 4304, 729 tokens (valid 14×14 patch
     * convolution 3·196 → 1152; the pooling head is not in the exported graph). u = pixels of
     * pixel_values, at 729 tokens per 384² pixels (the input size is fixed).
     */
    static final Stage SIGLIP;

    static {
        long width = 1152;
        double weightsPerToken = 27 * (4.0 * width * width + 2.0 * width * 4304)
                + 3.0 * SIGLIP_PATCH * SIGLIP_PATCH * width;
        double tokensPerPixel = (double) REDUX_TOKENS / SIGLIP_PIXELS;
        SIGLIP = new Stage(Component.SIGLIP, Device.GPU_FP32, "pixel_values:0",
                List.of("pixel_values:2*pixel_values:3"), 2 * weightsPerToken * tokensPerPixel,
                4.0 * width * 27 * tokensPerPixel * tokensPerPixel, SIGLIP_PIXELS, 1);
    }

    /** Redux projector: 1152 → 3·4096 (SiLU) → 4096 per token. u = tokens (729). */
    static final Stage REDUX = new Stage(Component.REDUX, Device.GPU_FP32, "siglip_embeds:0",
            List.of("siglip_embeds:1"), 2.0 * (1152 * 12288 + 12288 * 4096), 0, REDUX_TOKENS, 1);

    // FLUX VAE (diffusers AutoencoderKL): channels 128, 256, 512, 512; 2 ResNet blocks per level in
    // the encoder, 3 in the decoder; mid block: 2 ResNets + one self-attention at 512 channels over
    // the latent pixels; 16 latent channels, no quant convs. Norms and activations are memory-bound
    // and left out. Per-pixel FLOPs of a convolution: 2·k²·cin·cout at its own resolution, divided
    // by the pixels per pixel at that level ("area": 1, 4, 16, 64).
    private static final int[] VAE_CHANNELS = {128, 256, 512, 512};
    private static final int VAE_MID = 512;
    private static final int LATENT_AREA = 64;

    /** Encoder: u = image pixels. Mid-block attention over P/64 tokens: 4·512·(P/64)² FLOPs. */
    static final Stage VAE_ENCODER = new Stage(Component.VAE_ENCODER, Device.GPU_FP32, "images:0",
            List.of("images:2*images:3"), vaeEncoderFlopsPerPixel(), 4.0 * VAE_MID / (LATENT_AREA * LATENT_AREA),
            (double) REFERENCE_WIDTH * REFERENCE_HEIGHT, 1);

    /** Decoder: u = latent pixels (64 image pixels each). Mid-block attention: 4·512·u². */
    static final Stage VAE_DECODER = new Stage(Component.VAE_DECODER, Device.GPU_FP32, "latent:0",
            List.of("latent:2*latent:3"), LATENT_AREA * vaeDecoderFlopsPerPixel(), 4.0 * VAE_MID,
            (double) REFERENCE_WIDTH * REFERENCE_HEIGHT / LATENT_AREA, 1);

    private static double conv3(int in, int out) {
        return 2.0 * 9 * in * out;
    }

    /** ResNet block: two 3×3 convolutions, plus a 1×1 shortcut when the width changes. */
    private static double resnet(int in, int out) {
        return conv3(in, out) + conv3(out, out) + (in != out ? 2.0 * in * out : 0);
    }

    /** Mid block per latent pixel: two ResNets and the attention's q, k, v, o projections. */
    private static double midBlock() {
        return 2 * resnet(VAE_MID, VAE_MID) + 4 * 2.0 * VAE_MID * VAE_MID;
    }

    /** FLOPs per image pixel, without the mid-block attention's n² term. */
    static double vaeEncoderFlopsPerPixel() {
        double flops = conv3(3, VAE_CHANNELS[0]);
        int in = VAE_CHANNELS[0];
        double area = 1;
        for (int level = 0; level < VAE_CHANNELS.length; level++) {
            int ch = VAE_CHANNELS[level];
            flops += (resnet(in, ch) + resnet(ch, ch)) / area;
            in = ch;
            if (level < VAE_CHANNELS.length - 1) {
                area *= 4; // stride-2 convolution, at the lower resolution
                flops += conv3(ch, ch) / area;
            }
        }
        return flops + (midBlock() + conv3(VAE_MID, 2 * 16)) / area;
    }

    /** FLOPs per output pixel, without the mid-block attention's n² term. */
    static double vaeDecoderFlopsPerPixel() {
        double area = LATENT_AREA;
        double flops = (conv3(16, VAE_MID) + midBlock()) / area;
        int in = VAE_MID;
        for (int level = VAE_CHANNELS.length - 1; level >= 0; level--) {
            int ch = VAE_CHANNELS[level];
            flops += (resnet(in, ch) + 2 * resnet(ch, ch)) / area;
            in = ch;
            if (level > 0) {
                area /= 4; // nearest ×2, then a convolution at the higher resolution
                flops += conv3(ch, ch) / area;
            }
        }
        return flops + conv3(VAE_CHANNELS[0], 3);
    }

    private CostModel() {}

    /** Every stage, in pipeline order. */
    public static List<Stage> stages() {
        return List.of(T5, CLIP, SIGLIP, REDUX, VAE_ENCODER, FILL, DEV, VAE_DECODER);
    }

    public static Stage stage(Component c) {
        return stages().stream().filter(s -> s.component() == c).findFirst().orElseThrow();
    }

    /** Modelled milliseconds of one reference composite job (the dev transformer is not used). */
    public static double referenceJobMs() {
        return stages().stream().filter(s -> s != DEV).mapToDouble(s -> s.modelledMs() * s.referenceRuns()).sum();
    }

    /** The derivation table at the reference workload, as in docs/cost-model.md. */
    public static List<String> table() {
        List<String> lines = new ArrayList<>();
        double jobMs = referenceJobMs();
        lines.add(String.format(Locale.ROOT, "%-17s %-9s %9s %10s %12s %11s %8s", "component", "device",
                "u (ref)", "TFLOP/run", "prod. s/run", "model ms/run", "job %"));
        for (Stage s : stages()) {
            lines.add(String.format(Locale.ROOT, "%-17s %-9s %9.0f %10.4f %12.4f %11.2f %8s", s.component().key(),
                    s.device(), s.referenceUnits(), s.referenceFlops() / 1e12, s.productionSeconds(), s.modelledMs(),
                    s == DEV ? "-"
                            : String.format(Locale.ROOT, "%.2f", 100 * s.modelledMs() * s.referenceRuns() / jobMs)));
        }
        lines.add(String.format(Locale.ROOT, "reference job (%dx%d, %d Fill steps): %.0f ms modelled = %.1f s production"
                + " x TIME_SCALE %.2f", REFERENCE_WIDTH, REFERENCE_HEIGHT, REFERENCE_STEPS, jobMs,
                jobMs / 1000 / TIME_SCALE, TIME_SCALE));
        return lines;
    }
}
