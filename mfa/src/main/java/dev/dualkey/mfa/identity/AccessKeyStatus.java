package dev.dualkey.mfa.identity;

/** IAM {@code statusType}. */
public enum AccessKeyStatus {
    Active, Inactive
}
