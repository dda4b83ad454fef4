package dev.dualkey.mfa.policy;

/**
 * IAM glob matching: {@code *} matches any run of characters (also empty, and across {@code /} and {@code :}),
 * {@code ?} exactly one character (one Unicode code point), everything else itself.
 *
 * <p>A pattern is compiled to an {@code int[]} of tokens: {@link #ANY_RUN} for a wildcard {@code *},
 * {@link #ANY_ONE} for a wildcard {@code ?}, a code point (>= 0) for a literal character. The token form lets
 * policy variables and the escapes {@code ${*}}, {@code ${?}} put a literal asterisk or question mark into a
 * pattern, which a plain string could not tell apart from a wildcard.
 *
 * <p>Matching is the classic two-pointer algorithm that, on a mismatch, backtracks to the last wildcard
 * {@code *} seen and lets it swallow one more character. A wildcard is always a wildcard: the pattern's
 * {@code *} is never compared with the text's {@code *} as a literal (the bug of issue 13, by which
 * {@code private/*x} escaped a Deny on {@code private/*}). Only the last {@code *} needs to be remembered
 * because a later {@code *} can absorb anything an earlier one could: time is O(|pattern| x |text|) in the
 * worst case, linear for patterns without {@code *}, no recursion, no regex built from user data.
 */
public final class Wildcards {
    /** Token of a wildcard {@code *}. */
    public static final int ANY_RUN = -1;
    /** Token of a wildcard {@code ?}. */
    public static final int ANY_ONE = -2;

    private Wildcards() {
    }

    /** True when {@code text} matches {@code pattern}, in which every {@code *} and {@code ?} is a wildcard. */
    public static boolean matches(String pattern, String text, boolean ignoreCase) {
        return matches(compile(pattern), text, ignoreCase);
    }

    /** True when {@code text} matches the compiled pattern {@code tokens}. */
    public static boolean matches(int[] tokens, String text, boolean ignoreCase) {
        int[] t = text.codePoints().toArray();
        int p = 0;
        int i = 0;
        int star = -1;
        int mark = 0;
        while (i < t.length) {
            if (p < tokens.length && tokens[p] == ANY_RUN) {
                star = p++;
                mark = i;
            } else if (p < tokens.length && (tokens[p] == ANY_ONE || same(tokens[p], t[i], ignoreCase))) {
                p++;
                i++;
            } else if (star >= 0) {
                p = star + 1;
                i = ++mark;
            } else {
                return false;
            }
        }
        while (p < tokens.length && tokens[p] == ANY_RUN) {
            p++;
        }
        return p == tokens.length;
    }

    /** Tokens of {@code pattern} with {@code *} and {@code ?} as wildcards. */
    public static int[] compile(String pattern) {
        return pattern.codePoints().map(c -> c == '*' ? ANY_RUN : c == '?' ? ANY_ONE : c).toArray();
    }

    /** Tokens of {@code text} taken literally (no wildcards). */
    public static int[] literal(String text) {
        return text.codePoints().toArray();
    }

    /** The text of {@code tokens}, wildcards written back as {@code *} and {@code ?}. */
    public static String text(int[] tokens) {
        StringBuilder sb = new StringBuilder(tokens.length);
        for (int c : tokens) {
            sb.appendCodePoint(c == ANY_RUN ? '*' : c == ANY_ONE ? '?' : c);
        }
        return sb.toString();
    }

    private static boolean same(int a, int b, boolean ignoreCase) {
        return a == b || (ignoreCase && fold(a) == fold(b));
    }

    /** Simple case folding (what String.equalsIgnoreCase does per character). */
    static int fold(int c) {
        return Character.toLowerCase(Character.toUpperCase(c));
    }
}
