package dev.dualkey.gateway.console.page;

import java.util.Map;

/**
 * Decides whether the signed-in user may perform an action, with the same action names and resource ARNs
 * as the S3 and IAM APIs (e.g. {@code s3:ListBucket} on {@code arn:aws:s3:::photos}, {@code iam:CreateUser}
 * on {@code arn:aws:iam::123456789012:user/alice}). The gateway implements it with the API's own authorizer and
 * request-context builder ({@code dev.dualkey.gateway.authz}), so a policy decides the same on both.
 */
@FunctionalInterface
public interface Authorizer {
    /** Whether {@code user} may perform {@code action} on {@code resourceArn}. */
    boolean allowed(ConsoleUser user, String action, String resourceArn);

    /**
     * As above, with the condition keys the matching API request would carry (e.g. {@code s3:prefix} and
     * {@code s3:delimiter} of a listing, {@code s3:VersionId}); null values are left out.
     */
    default boolean allowed(ConsoleUser user, String action, String resourceArn, Map<String, String> requestKeys) {
        return allowed(user, action, resourceArn);
    }

    /** The S3 ARN of a bucket. */
    static String bucketArn(String bucket) {
        return "arn:aws:s3:::" + bucket;
    }

    /** The S3 ARN of an object. */
    static String objectArn(String bucket, String key) {
        return "arn:aws:s3:::" + bucket + "/" + key;
    }

    /** The IAM ARN of a user. */
    static String userArn(String accountId, String userName) {
        return "arn:aws:iam::" + accountId + ":user/" + userName;
    }
}
