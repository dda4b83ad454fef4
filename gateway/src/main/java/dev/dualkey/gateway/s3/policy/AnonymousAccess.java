package dev.dualkey.gateway.s3.policy;

import dev.dualkey.gateway.auth.AuthResult;
import dev.dualkey.gateway.auth.PayloadMode;
import dev.dualkey.gateway.auth.Principal;
import dev.dualkey.gateway.authz.Subject;
import dev.dualkey.gateway.http.RequestHead;
import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import java.util.Locale;
import java.util.Set;

/**
 * The anonymous path of the S3 front door: a request with no signature at all (no {@code Authorization}
 * header, no presigned-URL query of SigV4 or SigV2, no session token) is S3's anonymous principal {@code *}. It
 * is routed and then authorized like any other, where only a bucket policy or ACL granting everyone can allow it
 * ({@code authz.AccountAuthorizer}); everything else answers 403 AccessDenied as before. A request that carries
 * any part of a signature is never anonymous: it is verified, and fails as a bad signature.
 *
 * <p>Where anonymous requests cannot go: the IAM and STS endpoints accept only requests signed for their
 * service, so an unsigned request never reaches them (it falls to S3); the console is another listener with its
 * own sign-in. The MFA Delete gate refuses any protected change by a caller that is not the owner's root user,
 * and the policy / public-access operations refuse callers outside the owning account (405).
 *
 * <p>Bodies: an anonymous body is taken as sent ({@code UNSIGNED-PAYLOAD}); aws-chunked framing needs a
 * signature, so an anonymous {@code STREAMING-*} payload is refused.
 */
public final class AnonymousAccess {
    /** Query parameters of presigned URLs (SigV4, SigV2): their presence means "signed", never anonymous. */
    private static final Set<String> SIGNED_QUERY = Set.of("x-amz-algorithm", "x-amz-credential",
            "x-amz-signature", "x-amz-security-token", "awsaccesskeyid", "signature");

    private AnonymousAccess() {
    }

    /** Whether {@code head} carries no signature at all. */
    public static boolean unsigned(RequestHead head) {
        if (head.header("Authorization") != null || head.header("x-amz-security-token") != null) {
            return false;
        }
        for (java.util.Map.Entry<String, String> param : head.query()) {
            if (SIGNED_QUERY.contains(param.getKey().toLowerCase(Locale.ROOT))) {
                return false;
            }
        }
        return true;
    }

    /** The authentication result of an anonymous request. */
    public static AuthResult result(RequestHead head) {
        String sha = head.header("x-amz-content-sha256");
        if (sha != null && sha.toUpperCase(Locale.ROOT).startsWith("STREAMING-")) {
            throw new S3Exception(S3ErrorCode.ACCESS_DENIED);
        }
        Principal p = new Principal(Subject.ANONYMOUS, Subject.ANONYMOUS, false, "*");
        return new AuthResult(p, null, null, null, PayloadMode.UNSIGNED);
    }

    /** Whether {@code auth} is the anonymous caller's. */
    public static boolean isAnonymous(AuthResult auth) {
        return auth.signature() == null && "*".equals(auth.principal().arn());
    }
}
