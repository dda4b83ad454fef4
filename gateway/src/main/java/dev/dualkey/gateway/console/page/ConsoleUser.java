package dev.dualkey.gateway.console.page;

import java.time.Instant;
import java.util.Objects;

/**
 * Who is signed in to the console, as the pages need it.
 *
 * @param accountId    the 12-digit account id
 * @param accountAlias the account alias, or {@code null}
 * @param userName     the IAM user name, or {@code null} for the root user
 * @param sessionToken the session cookie value (binds CSRF tokens; never shown)
 * @param mfaPresent   whether the session was established with an MFA code ({@code aws:MultiFactorAuthPresent})
 * @param mfaAuthenticatedAt when that code was given (the sign-in), for {@code aws:MultiFactorAuthAge}; null
 *                     without MFA
 */
public record ConsoleUser(String accountId, String accountAlias, String userName, String sessionToken,
                          boolean mfaPresent, Instant mfaAuthenticatedAt) {
    public ConsoleUser {
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(sessionToken, "sessionToken");
        if (!mfaPresent) {
            mfaAuthenticatedAt = null;
        }
    }

    /** A user whose MFA time is not known (the session's sign-in time stands for it when MFA was used). */
    public ConsoleUser(String accountId, String accountAlias, String userName, String sessionToken,
                       boolean mfaPresent) {
        this(accountId, accountAlias, userName, sessionToken, mfaPresent, null);
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
