/**
 * MFA Delete end to end through real clients (AWS SDK for Java v1 and v2, the aws CLI): the behaviour table of
 * the spec (§1.2) row by row, against a gateway booted as {@code dualkey serve} wires it, with TOTP codes
 * computed in the test from the device's seed and the server's TOTP clock moved forward instead of sleeping.
 *
 * <p>{@link dev.dualkey.compat.mfadelete.MfaDeleteServer} is the fixture; {@link
 * dev.dualkey.compat.mfadelete.MfaDevice} is a device as its owner holds it (serial and seed).
 */
package dev.dualkey.compat.mfadelete;
