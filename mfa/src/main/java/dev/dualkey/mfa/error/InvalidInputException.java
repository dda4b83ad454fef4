package dev.dualkey.mfa.error;

/** The input is well-formed but not acceptable (e.g. a reserved name, an unreadable token file). IAM {@code InvalidInput}, HTTP 400. */
public class InvalidInputException extends IamException {
    private static final long serialVersionUID = 1L;

    public InvalidInputException(String message) {
        super(message);
    }

    @Override
    public String code() {
        return "InvalidInput";
    }

    @Override
    public int httpStatus() {
        return 400;
    }
}
