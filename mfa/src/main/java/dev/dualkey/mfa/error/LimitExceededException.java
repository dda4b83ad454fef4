package dev.dualkey.mfa.error;

/** A quota was hit (2 access keys, 8 MFA devices, 50 tags) or a device is throttled. IAM {@code LimitExceeded}, HTTP 409. */
public class LimitExceededException extends IamException {
    private static final long serialVersionUID = 1L;

    public LimitExceededException(String message) {
        super(message);
    }

    @Override
    public String code() {
        return "LimitExceeded";
    }

    @Override
    public int httpStatus() {
        return 409;
    }
}
