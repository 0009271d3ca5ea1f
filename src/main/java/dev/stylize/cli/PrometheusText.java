package dev.stylize.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The samples of a Prometheus text exposition (format 0.0.4, what {@code /q/metrics} serves): enough to
 * read the worker's counters and timer sums before and after a benchmark. Comments and blank lines are
 * skipped; a trailing comma in the label set (older Prometheus clients write one) and a trailing timestamp
 * are accepted.
 */
record PrometheusText(List<Sample> samples) {
    record Sample(String name, Map<String, String> labels, double value) {}

    PrometheusText {
        samples = List.copyOf(samples);
    }

    static PrometheusText parse(String text) {
        List<Sample> samples = new ArrayList<>();
        int lineNo = 0;
        for (String line : text.split("\n")) {
            lineNo++;
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            try {
                samples.add(sample(l));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("metrics line " + lineNo + " unreadable (" + e.getMessage() + "): "
                        + l, e);
            }
        }
        return new PrometheusText(samples);
    }

    private static Sample sample(String l) {
        int brace = l.indexOf('{');
        int space = l.indexOf(' ');
        String name;
        Map<String, String> labels = new LinkedHashMap<>();
        String rest;
        if (brace >= 0 && (space < 0 || brace < space)) {
            name = l.substring(0, brace);
            int i = brace + 1;
            while (true) {
                while (i < l.length() && (l.charAt(i) == ',' || l.charAt(i) == ' ')) {
                    i++;
                }
                if (i >= l.length()) {
                    throw new IllegalArgumentException("unterminated label set");
                }
                if (l.charAt(i) == '}') {
                    i++;
                    break;
                }
                int eq = l.indexOf('=', i);
                if (eq < 0 || eq + 1 >= l.length() || l.charAt(eq + 1) != '"') {
                    throw new IllegalArgumentException("label without a quoted value");
                }
                String key = l.substring(i, eq).strip();
                StringBuilder value = new StringBuilder();
                int j = eq + 2;
                for (; j < l.length() && l.charAt(j) != '"'; j++) {
                    char c = l.charAt(j);
                    if (c == '\\' && j + 1 < l.length()) {
                        char e = l.charAt(++j);
                        value.append(e == 'n' ? '\n' : e);
                    } else {
                        value.append(c);
                    }
                }
                if (j >= l.length()) {
                    throw new IllegalArgumentException("unterminated label value");
                }
                labels.put(key, value.toString());
                i = j + 1;
            }
            rest = l.substring(i).strip();
        } else {
            if (space < 0) {
                throw new IllegalArgumentException("no value");
            }
            name = l.substring(0, space);
            rest = l.substring(space + 1).strip();
        }
        String value = rest.split("\\s+")[0]; // a timestamp may follow
        return new Sample(name, labels, parseValue(value));
    }

    private static double parseValue(String v) {
        return switch (v) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(v);
        };
    }

    /** Sum of the samples named {@code name} whose labels include all of {@code labels}; 0 when none. */
    double sum(String name, Map<String, String> labels) {
        return sum(name, s -> s.labels().entrySet().containsAll(labels.entrySet()));
    }

    double sum(String name, Predicate<Sample> filter) {
        double total = 0;
        for (Sample s : samples) {
            if (s.name().equals(name) && filter.test(s)) {
                total += s.value();
            }
        }
        return total;
    }

    /** True when some sample has this name (a cache that is off exposes no cache_gets_total at all). */
    boolean has(String name, Map<String, String> labels) {
        return samples.stream().anyMatch(s -> s.name().equals(name)
                && s.labels().entrySet().containsAll(labels.entrySet()));
    }

    /** The values of label {@code label} among the samples named {@code name}, sorted. */
    TreeSet<String> labelValues(String name, String label) {
        TreeSet<String> values = new TreeSet<>();
        for (Sample s : samples) {
            if (s.name().equals(name) && s.labels().containsKey(label)) {
                values.add(s.labels().get(label));
            }
        }
        return values;
    }
}
