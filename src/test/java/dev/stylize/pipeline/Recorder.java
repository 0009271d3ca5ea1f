package dev.stylize.pipeline;

import dev.stylize.runtime.Component;
import dev.stylize.runtime.SessionObserver;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** Records every session.run's inputs so tests can check what reached each graph. */
public final class Recorder implements SessionObserver {
    public record Call(Component component, Map<String, float[]> inputs, Map<String, long[]> shapes) {}

    private final List<Call> calls = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void onRun(Component component, Map<String, float[]> inputs, Map<String, long[]> shapes) {
        calls.add(new Call(component, inputs, shapes));
    }

    public List<Call> of(Component c) {
        synchronized (calls) {
            return calls.stream().filter(x -> x.component() == c).toList();
        }
    }

    public Call last(Component c) {
        List<Call> l = of(c);
        return l.get(l.size() - 1);
    }
}
