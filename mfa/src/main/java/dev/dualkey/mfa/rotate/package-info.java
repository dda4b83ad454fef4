/**
 * Master key rotation of the secrets the mfa module seals ({@link dev.dualkey.mfa.rotate.SecretResealer}): MFA
 * seeds, access key secrets and session secrets are opened with whichever master key sealed them and sealed again
 * under the current one, each record changed by one conditional write. The gateway's {@code admin
 * rotate-master-key} runs it with the re-wrapping of object data keys and KMS key material.
 */
package dev.dualkey.mfa.rotate;
