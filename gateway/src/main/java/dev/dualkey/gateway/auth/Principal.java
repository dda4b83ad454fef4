package dev.dualkey.gateway.auth;

import java.util.Objects;

/**
 * Who signed a request.
 *
 * @param accountId the 12-digit account that owns the caller
 * @param userName  the IAM user name, or {@code "root"} for the account's root user
 * @param root      true for the account root user
 * @param arn       e.g. {@code arn:aws:iam::123456789012:root} or {@code arn:aws:iam::123456789012:user/alice}
 */
public record Principal(String accountId, String userName, boolean root, String arn) {
    public Principal {
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(userName, "userName");
        Objects.requireNonNull(arn, "arn");
    }

    /** The root user of an account. */
    public static Principal root(String accountId) {
        return new Principal(accountId, "root", true, "arn:aws:iam::" + accountId + ":root");
    }

    /** An IAM user of an account. */
    public static Principal user(String accountId, String userName) {
        return new Principal(accountId, userName, false, "arn:aws:iam::" + accountId + ":user/" + userName);
    }
}
