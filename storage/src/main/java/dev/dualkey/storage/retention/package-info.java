/**
 * Object Lock enforcement inside the store: {@link dev.dualkey.storage.retention.RetentionGuard} decides whether a
 * version may be removed or its retention changed, from the version's own metadata and the store's clock, and the
 * object store calls it under the key's write lock in every path that removes or replaces a version (DeleteObject
 * with a version id, plain deletes that drop a {@code null} version, writes that replace the {@code null} version)
 * and in every metadata update. So no protocol, console page, lifecycle rule or operator command that goes through
 * {@link dev.dualkey.storage.ObjectStore} can remove a version under retention or legal hold. Only the gateway,
 * after authorization (and the MFA Delete gate), may pass {@link dev.dualkey.storage.retention.RetentionBypass#GOVERNANCE}.
 */
package dev.dualkey.storage.retention;
