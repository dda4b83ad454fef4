package dev.dualkey.gateway.kms;

/** A KMS key's state, spelt as AWS KMS's {@code KeyState}. Only {@link #ENABLED} keys encrypt and decrypt. */
public enum KeyState {
    ENABLED("Enabled"),
    DISABLED("Disabled"),
    PENDING_DELETION("PendingDeletion");

    private final String wire;

    KeyState(String wire) {
        this.wire = wire;
    }

    /** AWS's spelling. */
    public String wire() {
        return wire;
    }
}
