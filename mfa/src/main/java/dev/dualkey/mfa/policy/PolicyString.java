package dev.dualkey.mfa.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * A Resource or condition value of a policy, compiled once: literal characters, wildcards and policy variables.
 *
 * <p>In a policy of Version {@code 2012-10-17}, {@code ${key}} is replaced by the request's value of the
 * single-valued condition key {@code key} (names case-insensitive), {@code ${key, 'default'}} falls back to the
 * default text when the key is missing ({@code ''} inside the quotes is one quote), and {@code ${*}},
 * {@code ${?}}, {@code ${$}} are a literal asterisk, question mark and dollar sign. Substituted text is always
 * literal: a {@code *} in a user name or key never becomes a wildcard. Substitution is one pass.
 *
 * <p>In a policy of Version {@code 2008-10-17} (or without Version) there are no variables: {@code ${aws:username}}
 * is the literal text it spells, as AWS does.
 *
 * <p>A variable whose key is missing and that has no default makes the string match nothing
 * ({@link #render} returns null): a Resource with it matches no resource; a condition value with it equals no
 * request value (so a negated operator is satisfied), as AWS documents for "policy variables with no value".
 */
final class PolicyString {
    private final String source;
    /** Literal parts as token arrays, variables as {@link Variable}. */
    private final List<Object> parts;

    private record Variable(String key, String defaultValue) {
    }

    private PolicyString(String source, List<Object> parts) {
        this.source = source;
        this.parts = parts;
    }

    /** Compiles {@code s}; variables are recognized only when {@code variables} (policy Version 2012-10-17). */
    static PolicyString of(String s, boolean variables) {
        List<Object> parts = new ArrayList<>();
        if (!variables || !s.contains("${")) {
            parts.add(Wildcards.compile(s));
            return new PolicyString(s, parts);
        }
        TokenBuffer lit = new TokenBuffer();
        int i = 0;
        while (i < s.length()) {
            if (s.startsWith("${", i)) {
                int end = variableEnd(s, i + 2);
                if (end < 0) {
                    // an unterminated ${ is plain text
                    lit.addWildcarded(s.substring(i));
                    break;
                }
                String inner = s.substring(i + 2, end);
                switch (inner) {
                    case "*", "?", "$" -> lit.add(inner.charAt(0));
                    default -> {
                        parts.add(lit.take());
                        parts.add(variable(inner));
                    }
                }
                i = end + 1;
            } else {
                int c = s.codePointAt(i);
                lit.addWildcarded(new String(Character.toChars(c)));
                i += Character.charCount(c);
            }
        }
        parts.add(lit.take());
        return new PolicyString(s, parts);
    }

    /** Index of the {@code }} closing a variable whose body starts at {@code from}, skipping a quoted default. */
    private static int variableEnd(String s, int from) {
        boolean quoted = false;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\'') {
                quoted = !quoted; // '' inside a default toggles twice: still quoted
            } else if (c == '}' && !quoted) {
                return i;
            }
        }
        return -1;
    }

    private static Variable variable(String inner) {
        int comma = inner.indexOf(',');
        if (comma < 0) {
            return new Variable(inner.trim(), null);
        }
        String key = inner.substring(0, comma).trim();
        String def = inner.substring(comma + 1).trim();
        if (def.length() >= 2 && def.startsWith("'") && def.endsWith("'")) {
            return new Variable(key, def.substring(1, def.length() - 1).replace("''", "'"));
        }
        // a malformed default: the variable cannot be replaced
        return new Variable(inner.trim(), null);
    }

    /** The text as written in the policy. */
    String source() {
        return source;
    }

    /** True when the string has policy variables. */
    boolean hasVariables() {
        return parts.stream().anyMatch(p -> p instanceof Variable);
    }

    /** The wildcard tokens for {@code request}, or null when a variable cannot be replaced. */
    int[] render(RequestContext request) {
        if (parts.size() == 1 && parts.get(0) instanceof int[] only) {
            return only;
        }
        TokenBuffer out = new TokenBuffer();
        for (Object p : parts) {
            if (p instanceof int[] tokens) {
                out.addAll(tokens);
            } else {
                Variable v = (Variable) p;
                String value = request.key(v.key());
                if (value == null) {
                    value = v.defaultValue();
                }
                if (value == null) {
                    return null;
                }
                value.codePoints().forEach(out::add);
            }
        }
        return out.take();
    }

    @Override
    public String toString() {
        return source;
    }

    /** A growable int array. */
    private static final class TokenBuffer {
        private int[] buf = new int[16];
        private int n;

        void add(int token) {
            if (n == buf.length) {
                buf = java.util.Arrays.copyOf(buf, n * 2);
            }
            buf[n++] = token;
        }

        void addAll(int[] tokens) {
            for (int t : tokens) {
                add(t);
            }
        }

        void addWildcarded(String s) {
            addAll(Wildcards.compile(s));
        }

        int[] take() {
            int[] out = java.util.Arrays.copyOf(buf, n);
            n = 0;
            return out;
        }
    }
}
