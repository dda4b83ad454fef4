package dev.dualkey.gateway.authz;

import java.util.Optional;

/**
 * S3 resource ARNs in the one canonical form AWS evaluates: {@code arn:aws:s3:::bucket} and
 * {@code arn:aws:s3:::bucket/key} with the key exactly as stored (decoded, case and every character kept).
 */
public final class Arns {
    /** The prefix of every S3 resource ARN. */
    public static final String S3 = "arn:aws:s3:::";

    private Arns() {
    }

    public static String bucket(String bucket) {
        return S3 + bucket;
    }

    public static String object(String bucket, String key) {
        return S3 + bucket + "/" + key;
    }

    /** The bucket an S3 ARN names, or empty for any other resource ({@code *}, IAM ARNs). */
    public static Optional<String> bucketOf(String resourceArn) {
        if (!resourceArn.startsWith(S3)) {
            return Optional.empty();
        }
        String rest = resourceArn.substring(S3.length());
        int slash = rest.indexOf('/');
        return Optional.of(slash < 0 ? rest : rest.substring(0, slash));
    }
}
