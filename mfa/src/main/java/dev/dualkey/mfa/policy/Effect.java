package dev.dualkey.mfa.policy;

/** A statement's {@code Effect}. */
public enum Effect {
    ALLOW, DENY
}
