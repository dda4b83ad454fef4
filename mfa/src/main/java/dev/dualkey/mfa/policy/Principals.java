package dev.dualkey.mfa.policy;

import java.util.List;

/**
 * The {@code Principal} (or {@code NotPrincipal}) element of one resource-policy statement, normalized as S3
 * stores it: {@code "*"} and {@code {"AWS": "*"}} are {@link #everyone}; a 12-digit account id becomes its root ARN
 * {@code arn:aws:iam::<acct>:root}; user ARNs are kept as written; {@code CanonicalUser} ids (64 hex characters)
 * and {@code Service} principals ({@code *.amazonaws.com}) are kept apart. Matching a caller against these is the
 * gateway's (it knows the caller's account, ARN and canonical id).
 *
 * @param everyone     {@code "*"}: every caller, anonymous included
 * @param arns         {@code arn:aws:iam::<acct>:root} and {@code arn:aws:iam::<acct>:user/<path><name>} ARNs
 * @param canonicalIds canonical user ids (lower-case hex), each standing for its account
 * @param services     service principals; no Dualkey caller is one, so they match nobody
 */
public record Principals(boolean everyone, List<String> arns, List<String> canonicalIds, List<String> services) {
    public Principals {
        arns = List.copyOf(arns);
        canonicalIds = List.copyOf(canonicalIds);
        services = List.copyOf(services);
    }

    /** The account id of an {@code arn:aws:iam::<acct>:...} ARN. */
    public static String accountOf(String iamArn) {
        String rest = iamArn.substring("arn:aws:iam::".length());
        return rest.substring(0, rest.indexOf(':'));
    }
}
