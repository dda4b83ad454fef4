package dev.dualkey.mfa.identity;

import dev.dualkey.mfa.error.PasswordPolicyViolationException;

/**
 * The account password policy, fixed to AWS's default for accounts without a custom policy: at least 8
 * characters and at least three of uppercase, lowercase, digits and symbols; not equal to the user name.
 */
public final class PasswordPolicy {
    public static final int MIN_LENGTH = 8;

    private PasswordPolicy() {
    }

    /** Throws {@link PasswordPolicyViolationException} when {@code password} does not satisfy the policy. */
    public static void check(String password, String userName) {
        if (password.length() < MIN_LENGTH || categories(password) < 3
                || (userName != null && password.equalsIgnoreCase(userName))) {
            throw new PasswordPolicyViolationException("Password does not conform to the account password policy.");
        }
    }

    static int categories(String p) {
        boolean upper = false;
        boolean lower = false;
        boolean digit = false;
        boolean symbol = false;
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                upper = true;
            } else if (c >= 'a' && c <= 'z') {
                lower = true;
            } else if (c >= '0' && c <= '9') {
                digit = true;
            } else {
                symbol = true;
            }
        }
        return (upper ? 1 : 0) + (lower ? 1 : 0) + (digit ? 1 : 0) + (symbol ? 1 : 0);
    }
}
