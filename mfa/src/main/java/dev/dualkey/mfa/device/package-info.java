/**
 * MFA devices: virtual and hardware TOTP devices and their IAM lifecycle
 * ({@link dev.dualkey.mfa.device.MfaDeviceService}), one-time code checks with replay protection and
 * throttling ({@link dev.dualkey.mfa.device.MfaVerifier}, {@link dev.dualkey.mfa.device.DeviceThrottle}) and the
 * import of vendor token files ({@link dev.dualkey.mfa.device.TokenImport}).
 */
package dev.dualkey.mfa.device;
