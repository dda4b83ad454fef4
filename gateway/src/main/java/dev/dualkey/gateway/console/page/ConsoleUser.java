package dev.dualkey.gateway.console.page;

import java.util.Objects;

/**
 * Who is signed in to the console, as the pages need it.
 *
 * @param accountId    the 12-digit account id
 * @param accountAlias the account alias, or {@code null}
 * @param userName     the IAM user name, or {@code null} for the root user
 * @param sessionToken the session cookie value (binds CSRF tokens; never shown)
 * @param mfaPresent   whether the session was established with an MFA code ({@code aws:MultiFactorAuthPresent})
 */
public record ConsoleUser(String accountId, String accountAlias, String userName, String sessionToken,
                          boolean mfaPresent) {
    public ConsoleUser {
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(sessionToken, "sessionToken");
    }

    /** Whether this is the account's root user. */
    public boolean isRoot() {
        return userName == null;
    }

    /** The principal ARN, as IAM writes it. */
    public String arn() {
        return isRoot() ? "arn:aws:iam::" + accountId + ":root" : "arn:aws:iam::" + accountId + ":user/" + userName;
    }

    /** How the header shows the user, e.g. {@code alice @ 123456789012} or {@code root @ my-alias}. */
    public String displayName() {
        return (isRoot() ? "root" : userName) + " @ " + (accountAlias != null ? accountAlias : accountId);
    }
}
