/**
 * MFA Delete: the gate that S3 handlers and the console call before a permanent version deletion or a versioning
 * change, the {@code x-amz-mfa} header parser, and the seam to the mfa module's one-time-code verifier.
 * See {@link dev.dualkey.gateway.mfadelete.MfaDeleteGate} for the exact rules and error order.
 */
package dev.dualkey.gateway.mfadelete;
