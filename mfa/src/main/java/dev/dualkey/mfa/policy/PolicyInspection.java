package dev.dualkey.mfa.policy;

import java.util.Locale;
import java.util.Set;

/**
 * Reads what a resource policy grants without a request: S3's "is this policy public" predicate (Block Public
 * Access, GetBucketPolicyStatus). The rule, from S3's documentation of PublicAccessBlockConfiguration: a policy is
 * public unless every Allow statement either names fixed principals or is pinned by a condition to fixed values of
 * the keys in {@link #PINNING_KEYS}, or to a set of CIDRs by {@code aws:SourceIp}.
 */
public final class PolicyInspection {
    /** Keys whose fixed value makes an Allow statement non-public (lower case). */
    static final Set<String> PINNING_KEYS = Set.of("aws:sourcearn", "aws:sourcevpc", "aws:sourcevpce",
            "aws:sourceowner", "aws:sourceaccount", "aws:principalaccount", "aws:principalarn", "aws:principalorgid",
            "s3:x-amz-server-side-encryption-aws-kms-key-id", "aws:userid");

    private PolicyInspection() {
    }

    /** Whether any Allow statement of {@code policy} grants the public (S3's definition). */
    public static boolean isPublic(ResourcePolicy policy) {
        for (ResourceStatement s : policy.statements()) {
            if (s.statement().effect() == Effect.ALLOW && publicPrincipal(s) && !pinned(s.statement())) {
                return true;
            }
        }
        return false;
    }

    /** {@code *}, {@code {"AWS":"*"}}, or a NotPrincipal (everyone but a few). */
    private static boolean publicPrincipal(ResourceStatement s) {
        return s.notPrincipal() || s.principal().everyone();
    }

    private static boolean pinned(Statement s) {
        for (Condition c : s.conditions()) {
            if (c.ifExists() || c.qualifier() == Condition.SetQualifier.FOR_ALL_VALUES || c.operator().negated()) {
                continue;
            }
            String key = c.key().toLowerCase(Locale.ROOT);
            if (key.equals("aws:sourceip") && c.operator() == ConditionOperator.IP_ADDRESS) {
                boolean all = true;
                for (PolicyString v : c.values()) {
                    IpRange r = IpRange.parse(v.source());
                    if (r == null || r.prefixLength() == 0) {
                        all = false;
                    }
                }
                if (all) {
                    return true;
                }
                continue;
            }
            if (!PINNING_KEYS.contains(key)) {
                continue;
            }
            ConditionOperator.Type t = c.operator().type();
            if (t != ConditionOperator.Type.STRING && t != ConditionOperator.Type.STRING_IGNORE_CASE
                    && t != ConditionOperator.Type.STRING_LIKE && t != ConditionOperator.Type.ARN) {
                continue;
            }
            boolean fixed = true;
            for (PolicyString v : c.values()) {
                String src = v.source();
                if (src.contains("*") || src.contains("?") || src.contains("${")) {
                    fixed = false;
                }
                if (key.equals("aws:userid") && src.toUpperCase(Locale.ROOT).startsWith("AROLEID:")) {
                    fixed = false;
                }
            }
            if (fixed) {
                return true;
            }
        }
        return false;
    }
}
