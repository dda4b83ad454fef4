package dev.dualkey.gateway.console.page;

/**
 * Decides whether the signed-in user may perform an action, with the same action names and resource ARNs
 * as the S3 and IAM APIs (e.g. {@code s3:ListBucket} on {@code arn:aws:s3:::photos}, {@code iam:CreateUser}
 * on {@code arn:aws:iam::123456789012:user/alice}). The gateway implements it with mfa's policy evaluator.
 */
@FunctionalInterface
public interface Authorizer {
    /** Whether {@code user} may perform {@code action} on {@code resourceArn}. */
    boolean allowed(ConsoleUser user, String action, String resourceArn);

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
