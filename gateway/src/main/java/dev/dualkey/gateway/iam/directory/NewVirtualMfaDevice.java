package dev.dualkey.gateway.iam.directory;

/**
 * The one-time answer of CreateVirtualMFADevice: the only time the seed leaves the server.
 *
 * @param base32StringSeed the seed as Base32 text (IAM sends these ASCII bytes as a base64 blob)
 * @param qrCodePng a PNG of the {@code otpauth://totp/...} URI
 */
public record NewVirtualMfaDevice(String serialNumber, byte[] base32StringSeed, byte[] qrCodePng) {
    @Override
    public String toString() {
        return "NewVirtualMfaDevice[" + serialNumber + "]";
    }
}
