package dev.dualkey.mfa.error;

/** The operation is not allowed for this kind of user (e.g. ChangePassword for root). IAM {@code InvalidUserType}, HTTP 400. */
public class InvalidUserTypeException extends IamException {
    private static final long serialVersionUID = 1L;

    public InvalidUserTypeException(String message) {
        super(message);
    }

    @Override
    public String code() {
        return "InvalidUserType";
    }

    @Override
    public int httpStatus() {
        return 400;
    }
}
