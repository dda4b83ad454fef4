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
        if (e instanceof dev.dualkey.storage.kv.KvConflictException) {
            // cluster mode: another gateway changed the same entity between this request's read and its write
            return new IamException(IamErrorCode.CONCURRENT_MODIFICATION, "The request was rejected because it "
                    + "conflicted with a concurrent change of the same entity; retry it.");
        }
        if (e instanceof dev.dualkey.storage.kv.KvStateUnavailableException) {
            // cluster mode: etcd away; IAM has no 503 code, its ServiceFailure (500) is what SDKs retry
            return new IamException(IamErrorCode.SERVICE_FAILURE, "The request processing has failed because of "
                    + "an unknown error, exception or failure.");
        }
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
