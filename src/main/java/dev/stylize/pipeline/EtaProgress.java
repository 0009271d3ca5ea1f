package dev.stylize.pipeline;

import dev.stylize.imaging.RgbImage;
import java.util.function.Supplier;

/**
 * Passes the loop's steps on to a {@link ProgressListener} with an ETA: the mean time per step so far,
 * from the loop's start, times the steps left.
 */
final class EtaProgress implements StepListener {
    private final ProgressListener progress;
    private long startNanos;

    EtaProgress(ProgressListener progress) {
        this.progress = progress;
    }

    @Override
    public void onStart(int total) {
        startNanos = System.nanoTime();
    }

    @Override
    public void onStep(int step, int total, Supplier<RgbImage> preview) {
        long elapsed = System.nanoTime() - startNanos;
        long etaMs = (elapsed / step) * (total - step) / 1_000_000;
        progress.onStep(step, total, etaMs, preview);
    }
}
