/**
 * S3 Object Lock on the wire: the bucket's {@code ObjectLockConfiguration}
 * ({@link dev.dualkey.gateway.s3.lock.LockConfiguration}, stored canonicalised as the bucket sub-resource
 * {@code object-lock}), per-version retention and legal hold ({@link dev.dualkey.gateway.s3.lock.ObjectLockOperations}),
 * the lock headers of writes and reads ({@link dev.dualkey.gateway.s3.lock.LockHeaders}) and the governance bypass
 * ({@link dev.dualkey.gateway.s3.lock.GovernanceBypass}).
 *
 * <p>This package decides what a request asks for and whether the caller may ask it; it never decides whether a
 * version may go. That is the store's {@code RetentionGuard}, run under the key's lock with the store's clock in every
 * delete, overwrite and metadata update, so that no route (S3, console, lifecycle, operator command) can skip it.
 * Per-version lock state lives in {@code ObjectMetadata} ({@code retentionMode}, {@code retainUntil},
 * {@code legalHold}); the attribute {@code object-lock-legal-hold} remembers that a legal hold was ever set (so that
 * GetObjectLegalHold answers OFF rather than 404 after it was turned off, as AWS does).
 */
package dev.dualkey.gateway.s3.lock;
