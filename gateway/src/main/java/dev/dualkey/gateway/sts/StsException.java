package dev.dualkey.gateway.sts;

import java.util.Objects;

/** A refusal in STS's words; rendered once by {@link StsXml#error}. */
public final class StsException extends RuntimeException {
    private final StsErrorCode errorCode;

    public StsException(StsErrorCode errorCode, String message) {
        super(Objects.requireNonNull(message, "message"), null, false, false);
        this.errorCode = Objects.requireNonNull(errorCode, "errorCode");
    }

    public StsErrorCode errorCode() {
        return errorCode;
    }
}
