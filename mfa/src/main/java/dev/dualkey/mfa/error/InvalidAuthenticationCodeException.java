package dev.dualkey.mfa.error;

/** The authentication code(s) did not verify for the device. IAM {@code InvalidAuthenticationCode}, HTTP 403. */
public class InvalidAuthenticationCodeException extends IamException {
    private static final long serialVersionUID = 1L;

    public InvalidAuthenticationCodeException(String message) {
        super(message);
    }

    @Override
    public String code() {
        return "InvalidAuthenticationCode";
    }

    @Override
    public int httpStatus() {
        return 403;
    }
}
