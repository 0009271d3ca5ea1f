package dev.stylize.pipeline;

/** Argument checks shared by the pipeline math; each message names the offending argument. */
final class Shapes {
    private Shapes() {}

    static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    static void positive(int value, String name) {
        require(value > 0, name + " must be positive, got " + value);
    }

    static void even(int value, String name) {
        require(value > 0 && value % 2 == 0, name + " must be positive and even, got " + value);
    }

    static void length(float[] array, long expected, String name) {
        require(array != null, name + " must not be null");
        require(array.length == expected,
                name + " has " + array.length + " values, expected " + expected);
    }
}
