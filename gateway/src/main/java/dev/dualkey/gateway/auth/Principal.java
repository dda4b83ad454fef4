package dev.dualkey.gateway.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Who signed a request.
 *
 * @param accountId the 12-digit account that owns the caller
 * @param userName  the IAM user name, or {@code "root"} for the account's root user
 * @param root      true for the account root user
 * @param arn       e.g. {@code arn:aws:iam::123456789012:root} or {@code arn:aws:iam::123456789012:user/alice}
 * @param temporary true when the request was signed with temporary (STS session) credentials, which carry an
 *                  {@code x-amz-security-token}
 * @param mfaAuthenticatedAt when the session behind temporary credentials proved MFA (STS GetSessionToken with
 *                  a code); null for long-term access keys and for sessions made without a code. This is the
 *                  source of {@code aws:MultiFactorAuthPresent} and {@code aws:MultiFactorAuthAge}.
 */
public record Principal(String accountId, String userName, boolean root, String arn, boolean temporary,
                        Instant mfaAuthenticatedAt) {
    public Principal {
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(userName, "userName");
        Objects.requireNonNull(arn, "arn");
        if (mfaAuthenticatedAt != null && !temporary) {
            throw new IllegalArgumentException("only temporary credentials carry an MFA context");
        }
    }

    /** A principal of long-term access keys: no session, no MFA context. */
    public Principal(String accountId, String userName, boolean root, String arn) {
        this(accountId, userName, root, arn, false, null);
    }

    /** Seconds since the session proved MFA at {@code now} ({@code aws:MultiFactorAuthAge}); null without MFA. */
    public Long mfaAgeSeconds(Instant now) {
        return mfaAuthenticatedAt == null ? null
                : Math.max(0, Duration.between(mfaAuthenticatedAt, now).getSeconds());
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
