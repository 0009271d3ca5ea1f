package dev.stylize.cli;

import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** How {@code submit --watch} and {@code watch} wait for a job and where its output goes. */
final class WatchOptions {
    @Option(names = "--out", description = "Save the output image here once the job succeeds (sha256 checked).")
    Path out;

    @Option(names = "--timeout", defaultValue = "PT30M",
            description = "Give up waiting after this long, ISO-8601 (default ${DEFAULT-VALUE}); the job goes on.")
    Duration timeout;
}
