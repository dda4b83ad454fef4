package dev.dualkey.gateway.iam.error;

import java.util.Objects;

/**
 * The one exception an IAM action throws to answer with an error document. Immutable; the message is
 * what the client sees, so it never carries secrets.
 */
public final class IamException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final IamErrorCode errorCode;

    public IamException(IamErrorCode errorCode, String message) {
        super(Objects.requireNonNull(message, "message"), null, false, false);
        this.errorCode = Objects.requireNonNull(errorCode, "errorCode");
    }

    public IamErrorCode errorCode() {
        return errorCode;
    }

    public static IamException noSuchUser(String userName) {
        return new IamException(IamErrorCode.NO_SUCH_ENTITY, "The user with name " + userName + " cannot be found.");
    }
}
