package dev.dualkey.mfa.error;

/**
 * A request member failed its model constraint (IAM {@code ValidationError}, HTTP 400). The message follows
 * AWS's wording: {@code 1 validation error detected: Value 'x' at 'userName' failed to satisfy constraint: ...}.
 */
public class ValidationException extends IamException {
    private static final long serialVersionUID = 1L;

    public ValidationException(String message) {
        super(message);
    }

    /**
     * AWS-style message for one member. The offending value is echoed only when short and printable, never for
     * sensitive members (pass {@code null} as value to hide it), so secrets and huge inputs are not reflected.
     */
    public static ValidationException of(String member, String value, String constraint) {
        String shown;
        if (value == null) {
            shown = "null";
        } else if (value.length() <= 64 && value.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            shown = "'" + value + "'";
        } else {
            shown = "(redacted)";
        }
        return new ValidationException("1 validation error detected: Value " + shown + " at '" + member
                + "' failed to satisfy constraint: " + constraint);
    }

    @Override
    public String code() {
        return "ValidationError";
    }

    @Override
    public int httpStatus() {
        return 400;
    }
}
