package dev.dualkey.gateway.protect;

import java.util.Objects;

/**
 * A refusal thrown out of the store's atomic update, which then changes nothing. {@link ProtectedOperations}
 * turns it into an {@link Outcome}; only a streamed write (whose commit is driven by the protocol) sees it, from
 * {@code ObjectWriter.commit}, and translates {@link #refusal()} like any outcome. Carries no message: the
 * wording belongs to each protocol.
 */
public final class ProtectedRefusalException extends RuntimeException {
    private final Refusal refusal;

    public ProtectedRefusalException(Refusal refusal) {
        super(refusal.name(), null, false, false);
        this.refusal = Objects.requireNonNull(refusal, "refusal");
    }

    public Refusal refusal() {
        return refusal;
    }
}
