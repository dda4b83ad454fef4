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
 * @param clientAddress remote address, for the audit log and {@code aws:SourceIp} ({@code -} when unknown)
 * @param secureTransport the request arrived over TLS ({@code aws:SecureTransport})
 */
public record IamCall(IamCaller caller, String accessKeyId, QueryParams params, String requestId,
                      String clientAddress, boolean secureTransport) {
    public IamCall {
        Objects.requireNonNull(caller, "caller");
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(params, "params");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(clientAddress, "clientAddress");
    }

    /** A call whose transport is not known: judged as plain HTTP, so a SecureTransport Deny holds. */
    public IamCall(IamCaller caller, String accessKeyId, QueryParams params, String requestId, String clientAddress) {
        this(caller, accessKeyId, params, requestId, clientAddress, false);
    }
}
