package dev.dualkey.gateway.iam.validate;

import java.util.Objects;

/** A validated IAM tag ({@code Tag} shape): key 1-128, value 0-256 characters. */
public record IamTag(String key, String value) {
    public IamTag {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }
}
