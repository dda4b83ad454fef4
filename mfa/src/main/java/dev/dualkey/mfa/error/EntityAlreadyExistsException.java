package dev.dualkey.mfa.error;

/** An entity with that name (case-insensitively) or serial already exists or is in use. IAM {@code EntityAlreadyExists}, HTTP 409. */
public class EntityAlreadyExistsException extends IamException {
    private static final long serialVersionUID = 1L;

    public EntityAlreadyExistsException(String message) {
        super(message);
    }

    @Override
    public String code() {
        return "EntityAlreadyExists";
    }

    @Override
    public int httpStatus() {
        return 409;
    }
}
