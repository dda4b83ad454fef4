package dev.dualkey.gateway.iam.validate;

import dev.dualkey.gateway.iam.error.IamErrorCode;
import dev.dualkey.gateway.iam.error.IamException;
import dev.dualkey.gateway.iam.query.QueryParams;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one validator of IAM inputs. It checks every declared {@link Param} of an action against its
 * {@link IamShape} and either returns the typed {@link ValidatedParams} or throws a single
 * {@code ValidationError} listing every violation in AWS's wording:
 *
 * <pre>
 * 2 validation errors detected: Value null at 'serialNumber' failed to satisfy constraint: Member must not be
 * null; Value '12' at 'authenticationCode1' failed to satisfy constraint: Member must have length greater
 * than or equal to 6
 * </pre>
 *
 * Values of sensitive shapes, long values and values with control characters are never echoed: the
 * message then reads {@code Value at 'password' failed to satisfy constraint: ...}.
 */
public final class ParamValidator {
    /** Longest value echoed back in a message; longer ones are elided. */
    static final int MAX_ECHO = 128;

    private ParamValidator() {}

    public static ValidatedParams validate(QueryParams params, List<Param> declared) {
        List<String> errors = new ArrayList<>();
        Map<String, Object> typed = new LinkedHashMap<>();
        for (Param p : declared) {
            switch (p.kind()) {
                case SCALAR -> {
                    String raw = params.get(p.name());
                    if (raw == null) {
                        if (p.required()) {
                            errors.add(nullValue(p.memberName()));
                        }
                    } else {
                        Object value = checkScalar(raw, p.shape(), p.memberName(), errors);
                        if (value != null) {
                            typed.put(p.name(), value);
                        }
                    }
                }
                case LIST -> typed.put(p.name(), checkList(params, p, errors));
                case TAG_LIST -> typed.put(p.name(), checkTags(params, p, errors));
                default -> throw new AssertionError(p.kind());
            }
        }
        if (!errors.isEmpty()) {
            String head = errors.size() == 1 ? "1 validation error detected: "
                    : errors.size() + " validation errors detected: ";
            throw new IamException(IamErrorCode.VALIDATION_ERROR, head + String.join("; ", errors));
        }
        return new ValidatedParams(typed);
    }

    private static List<String> checkList(QueryParams params, Param p, List<String> errors) {
        List<Integer> indexes = params.memberIndexes(p.name());
        if (indexes.isEmpty() && p.required() && !params.mentionsList(p.name())) {
            errors.add(nullValue(p.memberName()));
            return List.of();
        }
        if (indexes.size() > p.maxMembers()) {
            errors.add(violation(null, true, p.memberName(),
                    "Member must have length less than or equal to " + p.maxMembers()));
            return List.of();
        }
        List<String> values = new ArrayList<>();
        for (int n : indexes) {
            String raw = params.get(p.name() + ".member." + n);
            String member = p.memberName() + "." + n + ".member";
            if (raw == null) {
                errors.add(nullValue(member));
                continue;
            }
            Object v = checkScalar(raw, p.shape(), member, errors);
            if (v != null) {
                values.add((String) v);
            }
        }
        return values;
    }

    private static List<IamTag> checkTags(QueryParams params, Param p, List<String> errors) {
        List<Integer> indexes = params.memberIndexes(p.name());
        if (indexes.isEmpty() && p.required() && !params.mentionsList(p.name())) {
            errors.add(nullValue(p.memberName()));
            return List.of();
        }
        if (indexes.size() > p.maxMembers()) {
            errors.add(violation(null, true, p.memberName(),
                    "Member must have length less than or equal to " + p.maxMembers()));
            return List.of();
        }
        List<IamTag> tags = new ArrayList<>();
        for (int n : indexes) {
            String base = p.name() + ".member." + n;
            String member = p.memberName() + "." + n + ".member";
            String key = params.get(base + ".Key");
            String value = params.get(base + ".Value");
            int before = errors.size();
            if (key == null) {
                errors.add(nullValue(member + ".key"));
            } else {
                checkScalar(key, IamShape.TAG_KEY, member + ".key", errors);
            }
            if (value == null) {
                errors.add(nullValue(member + ".value"));
            } else {
                checkScalar(value, IamShape.TAG_VALUE, member + ".value", errors);
            }
            if (errors.size() == before) {
                tags.add(new IamTag(key, value));
            }
        }
        return tags;
    }

    /** Returns the typed value, or {@code null} after adding errors. */
    private static Object checkScalar(String raw, IamShape shape, String member, List<String> errors) {
        boolean echo = echoable(raw, shape);
        switch (shape.type()) {
            case BOOLEAN -> {
                String lower = raw.toLowerCase(Locale.ROOT);
                if (lower.equals("true") || lower.equals("false")) {
                    return Boolean.valueOf(lower);
                }
                errors.add(violation(raw, !echo, member, "Member must be one of: [true, false]"));
                return null;
            }
            case INTEGER -> {
                int value;
                try {
                    value = Integer.parseInt(raw.trim());
                } catch (NumberFormatException e) {
                    errors.add(violation(raw, !echo, member, "Member must be an integer"));
                    return null;
                }
                int before = errors.size();
                if (shape.min() >= 0 && value < shape.min()) {
                    errors.add(violation(raw, !echo, member,
                            "Member must have value greater than or equal to " + shape.min()));
                }
                if (shape.max() >= 0 && value > shape.max()) {
                    errors.add(violation(raw, !echo, member,
                            "Member must have value less than or equal to " + shape.max()));
                }
                return errors.size() == before ? value : null;
            }
            case STRING -> {
                int before = errors.size();
                if (!shape.enumValues().isEmpty()) {
                    if (!shape.enumValues().contains(raw)) {
                        errors.add(violation(raw, !echo, member,
                                "Member must satisfy enum value set: " + shape.enumValues()));
                    }
                    return errors.size() == before ? raw : null;
                }
                int length = raw.codePointCount(0, raw.length());
                boolean tooLong = shape.max() >= 0 && length > shape.max();
                if (shape.min() >= 0 && length < shape.min()) {
                    errors.add(violation(raw, !echo, member,
                            "Member must have length greater than or equal to " + shape.min()));
                }
                if (tooLong) {
                    errors.add(violation(raw, !echo, member,
                            "Member must have length less than or equal to " + shape.max()));
                }
                // Patterns are not run over over-long input: it is already refused, and some
                // patterns backtrack badly on long strings.
                if (!tooLong && shape.pattern() != null && !raw.isEmpty()
                        && !shape.pattern().matcher(raw).matches()) {
                    errors.add(violation(raw, !echo, member,
                            "Member must satisfy regular expression pattern: " + shape.pattern().pattern()));
                }
                return errors.size() == before ? raw : null;
            }
            default -> throw new AssertionError(shape.type());
        }
    }

    private static String nullValue(String member) {
        return "Value null at '" + member + "' failed to satisfy constraint: Member must not be null";
    }

    private static String violation(String raw, boolean hide, String member, String constraint) {
        String value = hide ? "Value" : "Value '" + raw + "'";
        return value + " at '" + member + "' failed to satisfy constraint: " + constraint;
    }

    /** Only short, printable, non-secret values are repeated to the client. */
    static boolean echoable(String raw, IamShape shape) {
        if (shape.sensitive() || raw.length() > MAX_ECHO) {
            return false;
        }
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c < 0x20 || c == 0x7F || Character.isSurrogate(c) || (c >= 0x80 && c < 0xA0)) {
                return false;
            }
        }
        return true;
    }
}
