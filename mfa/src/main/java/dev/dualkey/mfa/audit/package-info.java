/**
 * The audit log: every MFA check (accepted or not), every IAM user/key/device change and every operator action,
 * in a RocksDB-backed append-only family read by {@code dualkey admin audit}. Never records codes, passwords,
 * seeds or secret keys.
 */
package dev.dualkey.mfa.audit;
