package dev.dualkey.gateway.iam;

import dev.dualkey.gateway.iam.query.QueryParams;
import java.util.Objects;

/**
 * One authenticated IAM Query request as the front door hands it over.
 *
 * @param caller the principal that signed the request
 * @param accessKeyId the access key it was signed with
 * @param params decoded form or query parameters (see {@link IamRequestParser})
 * @param requestId the id echoed in {@code <RequestId>}
 * @param clientAddress remote address, for the audit log
 */
public record IamCall(IamCaller caller, String accessKeyId, QueryParams params, String requestId,
                      String clientAddress) {
    public IamCall {
        Objects.requireNonNull(caller, "caller");
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(params, "params");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(clientAddress, "clientAddress");
    }
}
