package dev.stylize.cli;

import dev.stylize.embedded.DevStack;
import dev.stylize.job.StylizeException;
import picocli.CommandLine;

/**
 * Typed errors become one line "error CODE: message" and exit code 2; a missing dev stack one line "error: message"
 * and exit code 1; anything else exit 1 with the trace.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    static final int INPUT_ERROR = 2;

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        if (ex instanceof StylizeException se) {
            // \r overwrites a progress line left on the terminal.
            cl.getErr().println("\rerror " + se.code() + ": " + se.getMessage());
            return se.code().permanent() ? INPUT_ERROR : 1;
        }
        if (ex instanceof DevStack.Missing missing) {
            // A build without the dev stack: the message says how to get one; a trace would only hide that.
            cl.getErr().println("error: " + missing.getMessage());
            return 1;
        }
        ex.printStackTrace(cl.getErr());
        return 1;
    }
}
