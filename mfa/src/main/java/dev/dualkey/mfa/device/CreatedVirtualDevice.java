package dev.dualkey.mfa.device;

/**
 * CreateVirtualMFADevice result, the only time the seed is available: {@code base32StringSeed} is the Base32
 * text (IAM sends it base64-encoded on the wire, as a blob), {@code qrCodePng} the PNG bytes of the
 * {@code otpauthUri}. {@link #toString()} hides the secrets.
 */
public record CreatedVirtualDevice(MfaDevice device, String base32StringSeed, byte[] qrCodePng, String otpauthUri) {
    @Override
    public String toString() {
        return "CreatedVirtualDevice[device=" + device + ", seed=(hidden)]";
    }
}
