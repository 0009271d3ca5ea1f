/**
 * The pure math of the FLUX.1 Redux + Fill pipeline, one step of the method per class, named as in
 * {@code docs/pipeline-spec.md}:
 *
 * <ul>
 *   <li>{@link dev.stylize.pipeline.FlowSchedule} — μ, the shifted σ grid and the img2img start (§4, §5);
 *   <li>{@link dev.stylize.pipeline.LatentPacking} — 2×2 latent packing and Fill mask packing (§3.5–3.7);
 *   <li>{@link dev.stylize.pipeline.PositionIds} — {@code img_ids} / {@code txt_ids} (§3.8);
 *   <li>{@link dev.stylize.pipeline.GaussianNoise} — the documented seed → N(0,1) stream (§4.5);
 *   <li>{@link dev.stylize.pipeline.PixelConversion} — [−1,1] ↔ 8 bit and mask binarization (§3.1, §3.2, §8);
 *   <li>{@link dev.stylize.pipeline.LatentPreview} — Latent2RGB previews of x0 (§10);
 *   <li>{@link dev.stylize.pipeline.ReduxTokens} — Redux token scaling, downsampling, masking and
 *       combination (§2.4, §2.6, §2.7).
 * </ul>
 *
 * <p>No class here holds state or touches a model. Tensors are {@code float[]} in row-major (C)
 * order; each method's Javadoc gives the shapes. Arguments are checked up front and a wrong shape is
 * an {@link java.lang.IllegalArgumentException} naming the argument.
 */
package dev.stylize.pipeline;
