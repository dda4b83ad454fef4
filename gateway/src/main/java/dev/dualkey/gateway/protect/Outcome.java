package dev.dualkey.gateway.protect;

import java.util.Objects;

/**
 * What a protected change came to: allowed with the store's result, or refused with a reason (nothing changed).
 *
 * @param result  the store's result when allowed, else null
 * @param refusal why it was refused, or null when allowed
 */
public record Outcome<T>(T result, Refusal refusal) {

    public static <T> Outcome<T> allowed(T result) {
        return new Outcome<>(result, null);
    }

    public static <T> Outcome<T> refused(Refusal refusal) {
        return new Outcome<>(null, Objects.requireNonNull(refusal, "refusal"));
    }

    public boolean isAllowed() {
        return refusal == null;
    }
}
