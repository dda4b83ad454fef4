package dev.dualkey.mfa.error;

/** A policy document is not valid IAM policy JSON. IAM {@code MalformedPolicyDocument}, HTTP 400. */
public class MalformedPolicyDocumentException extends IamException {
    private static final long serialVersionUID = 1L;

    public MalformedPolicyDocumentException(String message) {
        super(message);
    }

    @Override
    public String code() {
        return "MalformedPolicyDocument";
    }

    @Override
    public int httpStatus() {
        return 400;
    }
}
