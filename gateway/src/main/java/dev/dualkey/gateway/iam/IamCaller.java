package dev.dualkey.gateway.iam;

import java.time.Instant;
import java.util.Objects;

/**
 * Who signed an IAM request: the account, and either its root user or one IAM user of it.
 *
 * @param accountId 12-digit account id
 * @param userName the IAM user name, or {@link #ROOT} for the account's root user
 * @param userPath the IAM user's path ({@code /} for root)
 * @param temporary true when the request was signed with temporary (STS session) credentials
 * @param mfaAuthenticatedAt when the caller's session proved MFA; null for long-term keys (see
 *                  {@link dev.dualkey.gateway.auth.Principal#mfaAuthenticatedAt()})
 */
public record IamCaller(String accountId, String userName, String userPath, boolean temporary,
                        Instant mfaAuthenticatedAt) {
    /** The reserved user name that designates an account's root user in IAM requests. */
    public static final String ROOT = "root";

    public IamCaller {
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(userName, "userName");
        Objects.requireNonNull(userPath, "userPath");
    }

    /** A caller signing with long-term access keys (no session, no MFA context). */
    public IamCaller(String accountId, String userName, String userPath) {
        this(accountId, userName, userPath, false, null);
    }

    public static IamCaller root(String accountId) {
        return new IamCaller(accountId, ROOT, "/");
    }

    public boolean isRoot() {
        return ROOT.equals(userName);
    }

    /** {@code arn:aws:iam::<acct>:root} or {@code arn:aws:iam::<acct>:user/<path><name>}. */
    public String arn() {
        return isRoot() ? IamArns.root(accountId) : IamArns.user(accountId, userPath, userName);
    }
}
