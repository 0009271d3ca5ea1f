package dev.stylize.job;

/** A failure with a typed {@link ErrorCode}; its message is meant for the user, never a stack trace. */
public class StylizeException extends RuntimeException {
    private final ErrorCode code;

    public StylizeException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public StylizeException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    @Override
    public String toString() {
        return code + ": " + getMessage();
    }
}
