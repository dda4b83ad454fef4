package dev.dualkey.gateway.console.html;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A page template from {@code src/main/resources/console/templates/}. Placeholders are written
 * {@code {{name}}}. A {@code String} value is escaped with {@link Html#escape(String)}; a {@link SafeHtml}
 * value is inserted as is. Every placeholder must get a value and every value must have a placeholder, so
 * a typo fails in tests instead of rendering a half-empty page.
 */
public final class Template {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([a-zA-Z][a-zA-Z0-9]*)}}");

    private final String name;
    private final List<String> literals;
    private final List<String> slots;
    private final Set<String> slotNames;

    Template(String name, String source) {
        this.name = name;
        this.literals = new ArrayList<>();
        this.slots = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(source);
        int last = 0;
        while (m.find()) {
            literals.add(source.substring(last, m.start()));
            slots.add(m.group(1));
            last = m.end();
        }
        literals.add(source.substring(last));
        this.slotNames = new HashSet<>(slots);
    }

    /** Loads {@code console/templates/<name>.html} from the class path. */
    public static Template load(String name) {
        String path = "/console/templates/" + name + ".html";
        try (InputStream in = Template.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing console template " + path);
            }
            return new Template(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Names of the placeholders, for tests. */
    public Set<String> placeholders() {
        return Set.copyOf(slotNames);
    }

    /** Renders with the given values ({@code String} or {@link SafeHtml}). */
    public SafeHtml render(Map<String, ?> values) {
        for (String key : values.keySet()) {
            if (!slotNames.contains(key)) {
                throw new IllegalArgumentException("template " + name + " has no placeholder " + key);
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < slots.size(); i++) {
            sb.append(literals.get(i));
            Object v = values.get(slots.get(i));
            if (v == null && !values.containsKey(slots.get(i))) {
                throw new IllegalArgumentException("template " + name + " needs a value for " + slots.get(i));
            }
            if (v instanceof SafeHtml safe) {
                sb.append(safe.html());
            } else if (v == null) {
                sb.append("");
            } else if (v instanceof String s) {
                sb.append(Html.escape(s));
            } else {
                throw new IllegalArgumentException("template values are String or SafeHtml, got " + v.getClass());
            }
        }
        sb.append(literals.get(literals.size() - 1));
        return SafeHtml.trusted(sb.toString());
    }
}
