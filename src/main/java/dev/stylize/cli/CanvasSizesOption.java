package dev.stylize.cli;

import dev.stylize.pipeline.CanvasSizes;
import dev.stylize.pipeline.PipelineLimits;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --canvas-sizes} of the commands that build a pipeline themselves ({@code run}, {@code bench}): the
 * worker's {@code STYLIZE_CANVAS_SIZES} (README "TensorRT"), over the default limits.
 */
final class CanvasSizesOption {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    private CanvasSizes sizes = CanvasSizes.NONE;

    @Option(names = "--canvas-sizes", paramLabel = "WxH[,WxH...]", description = {"Resize every canvas to the one"
            + " of these sizes closest in aspect ratio (sides multiples of 16, the first the TensorRT profile's"
            + " optimum); the output keeps its size. Default: the canvas follows the input."})
    void canvasSizes(String text) {
        try {
            sizes = CanvasSizes.parse(text);
            limits(); // each size within the canvas budget
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    PipelineLimits limits() {
        return PipelineLimits.DEFAULT.withCanvasSizes(sizes);
    }
}
