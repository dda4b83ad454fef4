package dev.dualkey.mfa.error;

/** The entity still has dependents (keys, devices, login profile, assignment). IAM {@code DeleteConflict}, HTTP 409. */
public class DeleteConflictException extends IamException {
    private static final long serialVersionUID = 1L;

    public DeleteConflictException(String message) {
        super(message);
    }

    @Override
    public String code() {
        return "DeleteConflict";
    }

    @Override
    public int httpStatus() {
        return 409;
    }
}
