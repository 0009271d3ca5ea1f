package dev.stylize.job;

import java.util.Objects;
import java.util.Optional;

/**
 * The error of a failed result: an {@link ErrorCode} name and a message for the user (never a stack trace).
 * {@code code} is a string so that a consumer built against an older code list still reads newer results.
 */
public record ErrorInfo(String code, String message) {
    /** Longer messages are cut (they can quote user input); the cut ends with "…". */
    public static final int MAX_MESSAGE_CHARS = 2000;

    public ErrorInfo {
        Objects.requireNonNull(code, "code");
        message = message == null ? "" : truncate(message, MAX_MESSAGE_CHARS);
    }

    public static ErrorInfo of(ErrorCode code, String message) {
        return new ErrorInfo(code.name(), message);
    }

    public static ErrorInfo of(StylizeException e) {
        return of(e.code(), e.getMessage());
    }

    /** The code as an enum, empty when this build does not know it. */
    public Optional<ErrorCode> errorCode() {
        for (ErrorCode c : ErrorCode.values()) {
            if (c.name().equals(code)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    static String truncate(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        int end = max - 1;
        if (Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end) + "…";
    }
}
