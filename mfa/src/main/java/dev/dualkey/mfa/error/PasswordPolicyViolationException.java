package dev.dualkey.mfa.error;

/** The password does not satisfy the account password policy. IAM {@code PasswordPolicyViolation}, HTTP 400. */
public class PasswordPolicyViolationException extends IamException {
    private static final long serialVersionUID = 1L;

    public PasswordPolicyViolationException(String message) {
        super(message);
    }

    @Override
    public String code() {
        return "PasswordPolicyViolation";
    }

    @Override
    public int httpStatus() {
        return 400;
    }
}
