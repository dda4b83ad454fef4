package dev.dualkey.gateway.iam.validate;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The typed inputs of one action after {@link ParamValidator} accepted them. Only declared members are
 * present; absent optional members read as {@code null} (or the given default).
 */
public final class ValidatedParams {
    private final Map<String, Object> values;

    ValidatedParams(Map<String, Object> values) {
        this.values = Map.copyOf(values);
    }

    /** A string member, or {@code null} when the optional member was not given. */
    public String string(String name) {
        return (String) values.get(name);
    }

    /** A required string member (validation guarantees its presence). */
    public String required(String name) {
        return Objects.requireNonNull((String) values.get(name), name);
    }

    public int integer(String name, int defaultValue) {
        Object v = values.get(name);
        return v == null ? defaultValue : (Integer) v;
    }

    /** A boolean member, or {@code null} when not given. */
    public Boolean bool(String name) {
        return (Boolean) values.get(name);
    }

    @SuppressWarnings("unchecked")
    public List<IamTag> tags(String name) {
        Object v = values.get(name);
        return v == null ? List.of() : (List<IamTag>) v;
    }

    @SuppressWarnings("unchecked")
    public List<String> list(String name) {
        Object v = values.get(name);
        return v == null ? List.of() : (List<String>) v;
    }
}
