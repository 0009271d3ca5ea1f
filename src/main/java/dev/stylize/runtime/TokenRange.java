package dev.stylize.runtime;

/**
 * The sequence lengths one dynamic axis of a graph will see: the smallest, the one to tune for and
 * the largest (a TensorRT optimisation profile's min/opt/max for that axis).
 */
public record TokenRange(int min, int opt, int max) {
    public TokenRange {
        if (min < 1 || opt < min || max < opt) {
            throw new IllegalArgumentException("token range needs 1 <= min <= opt <= max, got " + min + "/" + opt
                    + "/" + max);
        }
    }
}
