package dev.dualkey.gateway.authz;

import dev.dualkey.gateway.auth.Principal;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Who asks, as every protocol's caller is seen by the authorizer: an account's root user or one of its IAM users,
 * and the second-factor context of the credentials used.
 *
 * @param userName           the IAM user name, or {@code root} for the root user
 * @param arn                {@code arn:aws:iam::<acct>:root} or the user's ARN with its path
 * @param userId             the IAM user's unique id ({@code AIDA...}) when the caller knows it, else null (the
 *                           authorizer fills it from the identity store); the account id for root
 * @param temporary          signed with temporary (session) credentials
 * @param mfaAuthenticatedAt when the credentials' session proved MFA (an STS session made with a code, or a console
 *                           sign-in that took a code); null otherwise. Source of {@code aws:MultiFactorAuthPresent}
 *                           and {@code aws:MultiFactorAuthAge}, which AWS leaves out for long-term access keys.
 */
public record Subject(String accountId, String userName, boolean root, String arn, String userId, boolean temporary,
                      Instant mfaAuthenticatedAt) {
    public Subject {
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(userName, "userName");
        Objects.requireNonNull(arn, "arn");
    }

    /** The signer of an S3 (or any SigV4) request. */
    public static Subject of(Principal p) {
        return new Subject(p.accountId(), p.userName(), p.root(), p.arn(), p.root() ? p.accountId() : null,
                p.temporary(), p.mfaAuthenticatedAt());
    }

    /** The account id and user name of {@link #anonymous()}: no account has it (account ids are 12 digits). */
    public static final String ANONYMOUS = "anonymous";

    /**
     * The caller of a request without any signature (no Authorization header, no presigned query): S3's
     * anonymous principal {@code *}. It has no account and no identity policy; only a bucket policy or an ACL
     * that names everyone can allow it.
     */
    public static Subject anonymous() {
        return new Subject(ANONYMOUS, ANONYMOUS, false, "*", ANONYMOUS, false, null);
    }

    /** Whether this is the anonymous principal. */
    public boolean isAnonymous() {
        return "*".equals(arn) && ANONYMOUS.equals(accountId);
    }

    /** Seconds since MFA was proved, at {@code now}; null without MFA. */
    public Long mfaAgeSeconds(Instant now) {
        return mfaAuthenticatedAt == null ? null
                : Math.max(0, Duration.between(mfaAuthenticatedAt, now).getSeconds());
    }
}
