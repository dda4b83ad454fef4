/**
 * TOTP (RFC 6238 / RFC 4226, HMAC-SHA1, 6 digits, 30 s) and Base32 (RFC 4648). Pure functions: no clock, no
 * storage. Callers pass the current step ({@link dev.dualkey.mfa.otp.TotpGenerator#stepOf}) from an injected
 * {@link java.time.Clock} and persist the matched step for replay protection.
 */
package dev.dualkey.mfa.otp;
