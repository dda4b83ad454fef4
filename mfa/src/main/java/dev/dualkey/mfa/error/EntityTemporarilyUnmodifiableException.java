package dev.dualkey.mfa.error;

/** The entity is being changed by a concurrent request or is locked for a moment. IAM {@code EntityTemporarilyUnmodifiable}, HTTP 409. */
public class EntityTemporarilyUnmodifiableException extends IamException {
    private static final long serialVersionUID = 1L;

    public EntityTemporarilyUnmodifiableException(String message) {
        super(message);
    }

    @Override
    public String code() {
        return "EntityTemporarilyUnmodifiable";
    }

    @Override
    public int httpStatus() {
        return 409;
    }
}
