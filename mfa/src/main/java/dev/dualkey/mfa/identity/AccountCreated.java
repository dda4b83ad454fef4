package dev.dualkey.mfa.identity;

/**
 * A new account with its root credentials, shown once by the operator command. {@code rootPassword} and the key's
 * secret are null when they were supplied by the operator rather than generated (nothing to print).
 */
public record AccountCreated(Account account, NewAccessKey rootAccessKey, String rootPassword) {
    @Override
    public String toString() {
        return "AccountCreated[account=" + account + ", rootAccessKey=" + rootAccessKey + ", rootPassword=(hidden)]";
    }
}
