/**
 * S3 lifecycle: the {@code ?lifecycle} bucket sub-resource (Put/Get/DeleteBucketLifecycleConfiguration, stored as
 * {@code BucketConfig.subresource("lifecycle")}), the rules' evaluation, the {@code x-amz-expiration} header, and
 * the background {@link dev.dualkey.gateway.lifecycle.LifecycleWorker} that applies the rules.
 *
 * <p>Why the worker is careful: a lifecycle rule permanently deletes versions without anyone presenting an MFA
 * code. So (decision D6, as AWS) lifecycle and MFA Delete exclude each other, checked inside the bucket's atomic
 * update in both directions, and every deletion the worker makes re-evaluates the rule, the key's versions and
 * the bucket's MFA Delete state inside the store's delete precondition (bucket read lock + key write lock): a
 * bucket whose MFA Delete was enabled after a pass started loses nothing more, and a version that became current
 * again, or got a retention or legal hold, is skipped.
 */
package dev.dualkey.gateway.lifecycle;
