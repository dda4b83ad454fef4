package dev.dualkey.gateway.iam.query;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The decoded parameters of one IAM Query request, read-only.
 *
 * <p>Query lists are flattened as {@code Name.member.N} (N from 1) and lists of structures as
 * {@code Name.member.N.Field}; {@link #memberIndexes} finds the N present, in numeric order.
 */
public final class QueryParams {
    private final Map<String, String> values;

    public QueryParams(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    /** The raw value, or {@code null} when absent. */
    public String get(String name) {
        return values.get(name);
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public Map<String, String> asMap() {
        return values;
    }

    /**
     * The member indexes N used by {@code list.member.N} or {@code list.member.N.*}, sorted. Non-numeric or
     * absurd indexes are ignored (they are not members).
     */
    public List<Integer> memberIndexes(String list) {
        Pattern p = Pattern.compile(Pattern.quote(list) + "\\.member\\.([1-9][0-9]{0,4})(?:\\..+)?");
        TreeSet<Integer> indexes = new TreeSet<>();
        for (String name : values.keySet()) {
            Matcher m = p.matcher(name);
            if (m.matches()) {
                indexes.add(Integer.parseInt(m.group(1)));
            }
        }
        return new ArrayList<>(indexes);
    }

    /** Whether the request mentions the list at all (even with an empty member set, {@code Tags=}). */
    public boolean mentionsList(String list) {
        if (values.containsKey(list)) {
            return true;
        }
        String prefix = list + ".member.";
        for (String name : values.keySet()) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
