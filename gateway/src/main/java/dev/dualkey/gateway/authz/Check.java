package dev.dualkey.gateway.authz;

import java.util.Objects;

/**
 * One permission AWS evaluates for a request: an action on a resource.
 *
 * @param action   e.g. {@code s3:GetObjectVersion}, {@code iam:CreateUser}
 * @param resource the resource ARN in canonical form ({@code arn:aws:s3:::bucket/key}), or {@code *} for
 *                 account-level actions
 */
public record Check(String action, String resource) {
    public Check {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(resource, "resource");
    }

    /** {@code action} on the bucket's ARN. */
    public static Check bucket(String action, String bucket) {
        return new Check(action, Arns.bucket(bucket));
    }

    /** {@code action} on the object's ARN. */
    public static Check object(String action, String bucket, String key) {
        return new Check(action, Arns.object(bucket, key));
    }
}
