package dev.dualkey.mfa.device;

/** Virtual devices are created through the API (serial = ARN); hardware tokens are imported by an operator. */
public enum DeviceType {
    VIRTUAL, HARDWARE
}
