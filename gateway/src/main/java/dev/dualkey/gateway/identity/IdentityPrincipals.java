package dev.dualkey.gateway.identity;

import dev.dualkey.mfa.identity.IamUser;
import dev.dualkey.mfa.identity.IdentityService;
import dev.dualkey.mfa.policy.BucketPolicyParser;
import java.util.Optional;

/**
 * Which principals a bucket policy may name, from the identity store: S3 refuses a policy naming an account or
 * user that does not exist ("Invalid principal in policy"). Root ARNs name existing accounts, user ARNs existing
 * users with exactly that path and name, canonical ids existing accounts ({@link CanonicalIds}).
 */
public final class IdentityPrincipals {
    private IdentityPrincipals() {
    }

    public static BucketPolicyParser.KnownPrincipals over(IdentityService identity) {
        CanonicalIds canonical = canonicalIds(identity);
        return p -> {
            if (!p.startsWith("arn:")) {
                return canonical.accountIdOf(p).isPresent();
            }
            String rest = p.substring("arn:aws:iam::".length());
            String account = rest.substring(0, rest.indexOf(':'));
            String resource = rest.substring(rest.indexOf(':') + 1);
            if (resource.equals("root")) {
                return identity.account(account).isPresent();
            }
            String name = resource.substring(resource.lastIndexOf('/') + 1);
            Optional<IamUser> user = identity.findUser(account, name);
            return user.isPresent() && !user.get().isRoot() && user.get().arn().equals(p);
        };
    }

    /** Canonical ids over the store's accounts. */
    public static CanonicalIds canonicalIds(IdentityService identity) {
        return new CanonicalIds(() -> identity.listAccounts().stream().map(a -> a.accountId()).toList());
    }
}
