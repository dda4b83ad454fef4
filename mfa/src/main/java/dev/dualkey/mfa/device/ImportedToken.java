package dev.dualkey.mfa.device;

/**
 * A hardware token read from a vendor file: its serial and raw TOTP seed. Wipe the seed after use.
 */
public record ImportedToken(String serial, byte[] seed) {
    @Override
    public String toString() {
        return "ImportedToken[serial=" + serial + ", seed=(hidden)]";
    }
}
