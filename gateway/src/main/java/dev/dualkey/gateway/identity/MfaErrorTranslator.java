package dev.dualkey.gateway.identity;

import dev.dualkey.gateway.iam.error.IamErrorCode;
import dev.dualkey.gateway.iam.error.IamException;
import java.util.function.Function;

/**
 * The one mapping of the mfa module's domain exceptions to IAM errors. Each mfa exception names its IAM wire
 * code (from the IAM model), so the mapping is by code; a code this endpoint does not know is a server
 * fault, never passed through unchecked.
 */
public final class MfaErrorTranslator implements Function<RuntimeException, IamException> {

    @Override
    public IamException apply(RuntimeException e) {
        if (!(e instanceof dev.dualkey.mfa.error.IamException domain)) {
            return null;
        }
        IamErrorCode code = IamErrorCode.fromWireCode(domain.code());
        if (code == null) {
            return null;
        }
        return new IamException(code, domain.getMessage());
    }
}
