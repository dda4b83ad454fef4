/**
 * Secrets: seed generation, the {@code otpauth://} URI and its QR PNG, AES-GCM sealing of secrets at rest under a
 * master key ({@link dev.dualkey.mfa.secret.MasterKey}), and Argon2id password hashes.
 */
package dev.dualkey.mfa.secret;
