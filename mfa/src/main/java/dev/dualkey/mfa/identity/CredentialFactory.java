package dev.dualkey.mfa.identity;

import java.security.SecureRandom;

/**
 * Random identifiers and secrets in AWS's shapes: account ids (12 digits), access key ids ({@code AKIA} + 16 of
 * {@code [A-Z0-9]}), user ids ({@code AIDA} + 17 of {@code [A-Z0-9]}), secret keys (40 of
 * {@code [A-Za-z0-9+/]}) and generated passwords that satisfy {@link PasswordPolicy}.
 */
public final class CredentialFactory {
    private static final String UPPER_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static final String SECRET_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    private static final String PASSWORD_CHARS =
            "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789!@#$%^&*()-_=+";
    private final SecureRandom random;

    public CredentialFactory(SecureRandom random) {
        this.random = random;
    }

    public String accountId() {
        StringBuilder sb = new StringBuilder(12);
        sb.append((char) ('1' + random.nextInt(9)));
        for (int i = 1; i < 12; i++) {
            sb.append((char) ('0' + random.nextInt(10)));
        }
        return sb.toString();
    }

    public String accessKeyId() {
        return "AKIA" + pick(UPPER_DIGITS, 16);
    }

    public String userId() {
        return "AIDA" + pick(UPPER_DIGITS, 17);
    }

    public String secretAccessKey() {
        return pick(SECRET_CHARS, 40);
    }

    /** A 20-character password with upper, lower, digit and symbol characters. */
    public String password() {
        while (true) {
            String p = pick(PASSWORD_CHARS, 20);
            if (PasswordPolicy.categories(p) == 4) {
                return p;
            }
        }
    }

    private String pick(String alphabet, int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }
}
