/**
 * The FLUX.1 Redux + Fill pipeline: one job from input images to the output image. The method, step
 * by step, with the upstream (BFL, diffusers, ComfyUI) function each step corresponds to, is in
 * {@code docs/pipeline.md}.
 *
 * <p>Classes that run models (through {@link dev.stylize.runtime.ModelSet} /
 * {@link dev.stylize.runtime.ModelSession}):
 *
 * <ul>
 *   <li>{@link dev.stylize.pipeline.StylizePipeline} — the job, top to bottom;
 *   <li>{@code ReduxEncoder} — SigLIP and the Redux projector per reference, then the leakage controls;
 *   <li>{@code TextEncoder} — T5 sequence and CLIP pooled vector (zeros without text encoders);
 *   <li>{@code VaeCodec} — VAE encode/decode with the latent scale and shift outside the graphs;
 *   <li>{@code Denoiser} — the Euler loop on the Fill or dev transformer, whose inputs
 *       {@code TransformerFeed} builds;
 *   <li>{@link dev.stylize.pipeline.StageBenchmark} — a job with per-stage timings.
 * </ul>
 *
 * <p>Pure math, no state and no model:
 *
 * <ul>
 *   <li>{@link dev.stylize.pipeline.CanvasPlan} — canvas, mask, output region and paste-back per mode;
 *   <li>{@link dev.stylize.pipeline.FlowSchedule} — μ, the shifted σ grid and the img2img start;
 *   <li>{@link dev.stylize.pipeline.LatentPacking} — 2×2 latent packing and Fill mask packing;
 *   <li>{@link dev.stylize.pipeline.PositionIds} — {@code img_ids} / {@code txt_ids};
 *   <li>{@link dev.stylize.pipeline.GaussianNoise} — the documented seed → N(0,1) stream;
 *   <li>{@link dev.stylize.pipeline.PixelConversion} — [−1,1] → 8 bit and mask binarization;
 *   <li>{@link dev.stylize.pipeline.LatentPreview} — Latent2RGB previews of x0;
 *   <li>{@link dev.stylize.pipeline.ReduxTokens} — Redux token scaling, downsampling, masking and
 *       combination;
 *   <li>{@code SiglipPreprocess} — SigLIP's {@code pixel_values} and the reference mask at 384 px.
 * </ul>
 *
 * <p>{@link dev.stylize.pipeline.EncoderCache} keeps encoder outputs between jobs. Tensors are
 * {@code float[]} in row-major (C) order; each method's Javadoc gives the shapes. Tensor arguments
 * are checked up front and a wrong shape is an {@link java.lang.IllegalArgumentException} naming the
 * argument.
 */
package dev.stylize.pipeline;
