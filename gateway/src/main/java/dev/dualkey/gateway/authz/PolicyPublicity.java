package dev.dualkey.gateway.authz;

import dev.dualkey.mfa.policy.PolicyInspection;
import dev.dualkey.mfa.policy.ResourcePolicy;

/**
 * Whether a bucket policy is "public", as S3 defines it for Block Public Access and GetBucketPolicyStatus
 * ("The meaning of public": S3 assumes a policy public, then looks for what makes it not). An Allow statement
 * is public when its principal is not fixed ({@code *}, {@code {"AWS":"*"}} or a NotPrincipal) and no condition of
 * the statement pins it to fixed values of {@code aws:SourceArn}, {@code aws:SourceVpc}, {@code aws:SourceVpce},
 * {@code aws:SourceOwner}, {@code aws:SourceAccount}, {@code aws:PrincipalAccount}, {@code aws:PrincipalArn},
 * {@code aws:PrincipalOrgID}, {@code s3:x-amz-server-side-encryption-aws-kms-key-id}, {@code aws:userid} (outside
 * {@code AROLEID:*}), or to a set of CIDRs with {@code aws:SourceIp}. "Fixed" means a positive operator
 * (StringEquals, StringEqualsIgnoreCase, ArnEquals, and StringLike/ArnLike without wildcards; IpAddress for
 * SourceIp), not IfExists, values without {@code *}, {@code ?} or policy variables. A CIDR of prefix 0
 * ({@code 0.0.0.0/0}, {@code ::/0}) is every address: it does not make a statement non-public (Dualkey's reading).
 * Deny statements never make a policy public. The inspection of statements is in mfa's
 * {@link PolicyInspection}.
 */
public final class PolicyPublicity {
    private PolicyPublicity() {
    }

    public static boolean isPublic(ResourcePolicy policy) {
        return PolicyInspection.isPublic(policy);
    }
}
