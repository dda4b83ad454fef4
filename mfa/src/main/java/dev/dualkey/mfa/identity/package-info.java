/**
 * Identities: accounts, the root user, IAM users, access keys (secrets sealed at rest), login profiles
 * (Argon2id), inline policies and identity-policy authorization ({@link dev.dualkey.mfa.identity.IdentityService}).
 */
package dev.dualkey.mfa.identity;
