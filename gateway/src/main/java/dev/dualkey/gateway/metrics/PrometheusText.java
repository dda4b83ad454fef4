package dev.dualkey.gateway.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format 0.0.4, for the tests of this module and of compat-tests
 * (one copy, checked against what Micrometer writes): {@code # HELP}, {@code # TYPE} and
 * sample lines {@code name{label="value",...} value}; any other line fails the parse.
 */
public final class PrometheusText {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** One sample. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    private final List<Sample> samples = new ArrayList<>();
    private final Map<String, String> types = new LinkedHashMap<>();

    private PrometheusText() {
    }

    public static PrometheusText parse(String text) {
        PrometheusText p = new PrometheusText();
        for (String line : text.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("# HELP ")) {
                continue;
            }
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.substring(7).split(" ");
                if (parts.length != 2 || !NAME.matcher(parts[0]).matches()
                        || !Set.of("counter", "gauge", "histogram", "summary", "untyped").contains(parts[1])) {
                    throw new IllegalArgumentException("bad TYPE line: " + line);
                }
                p.types.put(parts[0], parts[1]);
                continue;
            }
            if (line.startsWith("#")) {
                throw new IllegalArgumentException("unexpected comment: " + line);
            }
            Matcher m = NAME.matcher(line);
            if (!m.lookingAt()) {
                throw new IllegalArgumentException("bad sample line: " + line);
            }
            String name = m.group();
            int i = m.end();
            Map<String, String> labels = new LinkedHashMap<>();
            if (i < line.length() && line.charAt(i) == '{') {
                int close = line.indexOf('}', i);
                // label values may contain '}' only escaped-free in quotes; find the closing brace after quotes
                int pos = i + 1;
                while (pos < line.length() && line.charAt(pos) != '}') {
                    Matcher lm = LABEL.matcher(line);
                    lm.region(pos, line.length());
                    if (!lm.lookingAt()) {
                        throw new IllegalArgumentException("bad labels: " + line);
                    }
                    labels.put(lm.group(1), lm.group(2).replace("\\\"", "\"").replace("\\n", "\n")
                            .replace("\\\\", "\\"));
                    pos = lm.end();
                    if (pos < line.length() && line.charAt(pos) == ',') {
                        pos++;
                    }
                }
                if (pos >= line.length() || close < 0) {
                    throw new IllegalArgumentException("unclosed labels: " + line);
                }
                i = pos + 1;
            }
            if (i >= line.length() || line.charAt(i) != ' ') {
                throw new IllegalArgumentException("no value: " + line);
            }
            String[] rest = line.substring(i + 1).split(" ");
            if (rest.length < 1 || rest.length > 2) {
                throw new IllegalArgumentException("bad value: " + line);
            }
            double v = switch (rest[0]) {
                case "+Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                case "NaN" -> Double.NaN;
                default -> Double.parseDouble(rest[0]);
            };
            p.samples.add(new Sample(name, labels, v));
        }
        return p;
    }

    public List<Sample> samples() {
        return samples;
    }

    /** Every sample name (with _bucket/_count/_sum/_total as exposed). */
    public Set<String> names() {
        Set<String> out = new TreeSet<>();
        samples.forEach(s -> out.add(s.name()));
        return out;
    }

    public Map<String, String> types() {
        return types;
    }

    /** The value of the one sample with {@code name} and at least these labels; fails when none or several. */
    public double value(String name, String... labelPairs) {
        List<Sample> found = find(name, labelPairs);
        if (found.size() != 1) {
            throw new AssertionError(found.size() + " samples " + name + " " + List.of(labelPairs) + ": " + found);
        }
        return found.get(0).value();
    }

    /** The value of the one matching sample, or {@code missing} when none. */
    public double valueOr(String name, double missing, String... labelPairs) {
        List<Sample> found = find(name, labelPairs);
        if (found.size() > 1) {
            throw new AssertionError(found.size() + " samples " + name + " " + List.of(labelPairs));
        }
        return found.isEmpty() ? missing : found.get(0).value();
    }

    /** The sum of every sample with {@code name} and at least these labels. */
    public double sum(String name, String... labelPairs) {
        return find(name, labelPairs).stream().mapToDouble(Sample::value).sum();
    }

    public List<Sample> find(String name, String... labelPairs) {
        List<Sample> out = new ArrayList<>();
        for (Sample s : samples) {
            if (!s.name().equals(name)) {
                continue;
            }
            boolean all = true;
            for (int i = 0; i + 1 < labelPairs.length; i += 2) {
                all &= labelPairs[i + 1].equals(s.labels().get(labelPairs[i]));
            }
            if (all) {
                out.add(s);
            }
        }
        return out;
    }
}
