package dev.stylize.runtime;

import java.util.Locale;

/** Execution provider a component runs on. */
public enum Provider {
    CPU,
    CUDA,
    TENSORRT;

    public static Provider parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown execution provider '" + name + "' (cpu, cuda, tensorrt)");
        }
    }
}
