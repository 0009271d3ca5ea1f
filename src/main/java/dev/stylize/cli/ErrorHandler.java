package dev.stylize.cli;

import dev.stylize.job.StylizeException;
import picocli.CommandLine;

/** Typed errors become one line "error CODE: message" and exit code 2; anything else exit 1 with the trace. */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    static final int INPUT_ERROR = 2;

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        if (ex instanceof StylizeException se) {
            // \r overwrites a progress line left on the terminal.
            cl.getErr().println("\rerror " + se.code() + ": " + se.getMessage());
            return se.code().permanent() ? INPUT_ERROR : 1;
        }
        ex.printStackTrace(cl.getErr());
        return 1;
    }
}
