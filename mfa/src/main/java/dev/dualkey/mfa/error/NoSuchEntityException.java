package dev.dualkey.mfa.error;

/** The named user, device, key, profile or policy does not exist. IAM {@code NoSuchEntity}, HTTP 404. */
public class NoSuchEntityException extends IamException {
    private static final long serialVersionUID = 1L;

    public NoSuchEntityException(String message) {
        super(message);
    }

    @Override
    public String code() {
        return "NoSuchEntity";
    }

    @Override
    public int httpStatus() {
        return 404;
    }
}
