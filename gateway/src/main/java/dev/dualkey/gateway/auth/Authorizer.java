package dev.dualkey.gateway.auth;

/**
 * Decides whether an authenticated principal may perform an action on a resource. Called on the storage
 * executor after authentication and routing. The lead wires mfa's policy engine here later.
 */
@FunctionalInterface
public interface Authorizer {
    /**
     * @param action      an IAM action such as {@code s3:GetObject}
     * @param resourceArn {@code arn:aws:s3:::bucket}, {@code arn:aws:s3:::bucket/key} or {@code *} (ListBuckets,
     *                    CreateBucket of a bucket that does not exist yet)
     */
    boolean isAllowed(Principal principal, String action, String resourceArn);
}
