/**
 * STS through real clients (SDK v2 {@code StsClient}, the aws CLI): GetSessionToken with and without an MFA code,
 * S3 and IAM with the session credentials, the refusals (wrong, replayed, foreign code; expired session; wrong or
 * stray token), GetCallerIdentity, and root changing its MFA devices with an MFA session. The server is
 * {@code mfadelete.MfaDeleteServer} (its TOTP and session clock moves forward instead of sleeping).
 */
package dev.dualkey.compat.sts;
