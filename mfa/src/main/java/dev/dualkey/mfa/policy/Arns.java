package dev.dualkey.mfa.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * ARN matching of the Arn* condition operators: "each of the six colon-delimited components of the ARN is
 * checked separately and each can include multi-character match wildcards (*) or single-character match
 * wildcards (?)" (IAM's documentation). So a {@code *} in the account component never spans into the resource.
 * The resource component (the sixth) keeps any further colons. A policy value with fewer than six components
 * is matched against the whole ARN (so {@code "*"} matches every ARN); a request value that is not an ARN
 * matches nothing.
 */
final class Arns {
    private static final int COMPONENTS = 6;

    private Arns() {
    }

    static boolean matches(int[] pattern, String arn) {
        List<int[]> p = split(pattern);
        if (!arn.startsWith("arn:")) {
            return false;
        }
        List<int[]> a = split(arn.codePoints().toArray());
        if (a.size() < COMPONENTS) {
            return false;
        }
        if (p.size() < COMPONENTS) {
            return Wildcards.matches(pattern, arn, false);
        }
        for (int i = 0; i < COMPONENTS; i++) {
            if (!Wildcards.matches(p.get(i), Wildcards.text(a.get(i)), false)) {
                return false;
            }
        }
        return true;
    }

    /** Splits at the first five literal colons. */
    private static List<int[]> split(int[] tokens) {
        List<int[]> out = new ArrayList<>(COMPONENTS);
        int start = 0;
        for (int i = 0; i < tokens.length && out.size() < COMPONENTS - 1; i++) {
            if (tokens[i] == ':') {
                out.add(java.util.Arrays.copyOfRange(tokens, start, i));
                start = i + 1;
            }
        }
        out.add(java.util.Arrays.copyOfRange(tokens, start, tokens.length));
        return out;
    }
}
