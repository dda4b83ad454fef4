/**
 * Protected changes: everything MFA Delete guards (deleting a version, deleting on a Suspended bucket, changing
 * versioning or MFA Delete, replacing a Suspended bucket's {@code null} version), made in one protocol-neutral
 * place, {@link dev.dualkey.gateway.protect.ProtectedOperations}, which runs the rule and the code check inside
 * the store's atomic update and returns a typed {@link dev.dualkey.gateway.protect.Outcome}. The S3 handlers
 * ({@code s3.protect.S3Refusals}) and the console only translate its {@link dev.dualkey.gateway.protect.Refusal}.
 */
package dev.dualkey.gateway.protect;
