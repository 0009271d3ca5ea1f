package dev.stylize.runtime;

import java.util.Map;

/** Sees every session.run's inputs (as float32 copies, by role); tests use it to check routing. */
@FunctionalInterface
public interface SessionObserver {
    void onRun(Component component, Map<String, float[]> inputsByRole, Map<String, long[]> shapesByRole);
}
