/**
 * SSE-KMS without an external KMS: a local key registry (issue 16). Each KMS key is 32 random bytes of material,
 * sealed under the server's master key ({@code SecretBox}, AAD {@code "kms:" + keyId}) in the state store
 * ({@link dev.dualkey.gateway.kms.KmsSchema}); data keys of SSE-KMS objects are wrapped by a KEK derived from that
 * material ({@code storage/.../crypto/KmsKeyWrapper}), with the object's encryption context bound in.
 *
 * <p>Ids and names are AWS's: key ids are UUIDs, key ARNs {@code arn:aws:kms:<region>:<account>:key/<id>}, aliases
 * {@code alias/NAME} and {@code arn:aws:kms:<region>:<account>:alias/NAME}; every account gets the AWS managed key
 * {@code alias/aws/s3} on first use. Key management (create, alias, enable/disable, schedule and cancel deletion)
 * exists only as operator commands ({@link dev.dualkey.gateway.kms.KmsCommands}: the owner-only admin socket, or
 * offline on the data directory): no S3, IAM or STS request reaches it, because deleting a key destroys every
 * version encrypted under it, which is a permanent delete (SECURITY.md, section K).
 *
 * <p>The state store is a {@code KvStore}: the data directory's RocksDB on one node, etcd in cluster mode
 * ({@code serve --state}), where every gateway shares the registry and each change is a conditional write
 * (SECURITY.md X14). A master key rotation re-seals each key's material ({@code KmsRegistry.resealUnderCurrentKey});
 * the data keys wrapped by KMS keys stay as they are.
 */
package dev.dualkey.gateway.kms;
