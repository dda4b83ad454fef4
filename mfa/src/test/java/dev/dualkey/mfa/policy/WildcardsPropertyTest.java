package dev.dualkey.mfa.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Wildcards} against a dynamic-programming reference on random patterns and texts drawn from an alphabet
 * full of wildcards and the characters S3 keys and ARNs are made of. The seed is fixed (reproducible); raise
 * the count with {@code -Dwildcards.cases=1000000}.
 */
class WildcardsPropertyTest {
    private static final String ALPHABET = "**??//$${}aAbBxX:.-é\uD83D\uDE00";
    private static final int CASES = Integer.getInteger("wildcards.cases", 20_000);

    /** Reference: dp[i][j] = tokens[i..] matches text[j..]. */
    static boolean reference(int[] p, int[] t, boolean ignoreCase) {
        boolean[][] dp = new boolean[p.length + 1][t.length + 1];
        dp[p.length][t.length] = true;
        for (int i = p.length - 1; i >= 0; i--) {
            for (int j = t.length; j >= 0; j--) {
                if (p[i] == Wildcards.ANY_RUN) {
                    dp[i][j] = dp[i + 1][j] || (j < t.length && dp[i][j + 1]);
                } else if (j < t.length && (p[i] == Wildcards.ANY_ONE || p[i] == t[j]
                        || (ignoreCase && Wildcards.fold(p[i]) == Wildcards.fold(t[j])))) {
                    dp[i][j] = dp[i + 1][j + 1];
                }
            }
        }
        return dp[0][0];
    }

    private static String random(Random r, int maxLen) {
        int n = r.nextInt(maxLen + 1);
        StringBuilder sb = new StringBuilder();
        int[] cps = ALPHABET.codePoints().toArray();
        for (int i = 0; i < n; i++) {
            sb.appendCodePoint(cps[r.nextInt(cps.length)]);
        }
        return sb.toString();
    }

    /** A text derived from the pattern (so that matches are frequent, not just the rare random hit). */
    private static String near(Random r, String pattern) {
        StringBuilder sb = new StringBuilder();
        pattern.codePoints().forEach(c -> {
            if (c == '*') {
                sb.append(random(r, 3));
            } else if (c == '?') {
                sb.append(random(r, 1).isEmpty() ? "q" : random(r, 1));
            } else {
                sb.appendCodePoint(r.nextInt(8) == 0 ? Character.toUpperCase(c) : c);
            }
            if (r.nextInt(10) == 0) {
                sb.append(random(r, 1));
            }
        });
        return sb.toString();
    }

    @Test
    void agreesWithReferenceOnRandomPatterns() {
        Random r = new Random(20261202L);
        int matched = 0;
        for (int n = 0; n < CASES; n++) {
            String pattern = random(r, 12);
            String text = r.nextBoolean() ? random(r, 14) : near(r, pattern);
            for (boolean ic : new boolean[] {false, true}) {
                int[] tokens = Wildcards.compile(pattern);
                boolean expected = reference(tokens, text.codePoints().toArray(), ic);
                assertEquals(expected, Wildcards.matches(pattern, text, ic),
                        () -> "pattern=" + pattern + " text=" + text + " ignoreCase=" + ic);
                matched += expected ? 1 : 0;
                // the same characters taken literally (as ${*} and ${?} make them)
                int[] literal = Wildcards.literal(pattern);
                assertEquals(reference(literal, text.codePoints().toArray(), ic),
                        Wildcards.matches(literal, text, ic), () -> "literal " + pattern + " text=" + text);
            }
        }
        // the generator must exercise both outcomes, else the comparison proves little
        assertTrue(matched > CASES / 10, "matches: " + matched);
        assertTrue(matched < CASES * 2 - CASES / 10, "matches: " + matched);
    }

    @Test
    void wildcardIsNeverTakenAsLiteralFirst() {
        assertTrue(Wildcards.matches("arn:aws:s3:::alpha/private/*", "arn:aws:s3:::alpha/private/*x", false));
        assertTrue(Wildcards.matches("arn:aws:s3:::alpha/private/*", "arn:aws:s3:::alpha/private/*evil", false));
        assertTrue(Wildcards.matches("a*b", "a*xb", false));
        assertTrue(Wildcards.matches("a?c", "a*c", false));
        assertTrue(Wildcards.matches("*?", "?", false));
        assertFalse(Wildcards.matches("a*b", "a*x", false));
        assertTrue(Wildcards.matches("**a", "bba", false));
        assertTrue(Wildcards.matches("*", "", false));
        assertFalse(Wildcards.matches("a?", "a", false));
        assertTrue(Wildcards.matches("S3:Get*", "s3:getobject", true));
        assertFalse(Wildcards.matches("S3:Get*", "s3:getobject", false));
        // literal tokens: ${*} in a policy is an asterisk, not a wildcard
        assertTrue(Wildcards.matches(Wildcards.literal("a*"), "a*", false));
        assertFalse(Wildcards.matches(Wildcards.literal("a*"), "ab", false));
        // one ? is one code point, also outside the BMP
        assertTrue(Wildcards.matches("k?", "k\uD83D\uDE00", false));
    }

    @Test
    void adversarialPatternsStayFast() {
        String text = "a".repeat(1024);
        String pattern = "*a".repeat(500) + "b";
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            for (int i = 0; i < 20; i++) {
                assertFalse(Wildcards.matches(pattern, text, false));
                assertFalse(Wildcards.matches("*" + "?".repeat(1025), text, true));
            }
        });
    }
}
