package dev.dualkey.compat;

import java.net.URI;

/**
 * Where a running gateway answers and which keys it knows.
 *
 * @param endpoint base URI of the S3 API, e.g. {@code http://127.0.0.1:41234}
 * @param region the region the gateway signs for (SigV4 scope)
 * @param root root user key of the first account, owner of every test bucket
 * @param otherAccount root user key of a second, unrelated account (cross-account tests)
 */
public record GatewayEndpoint(URI endpoint, String region, AccessKey root, AccessKey otherAccount) {

    /** Host part of the endpoint, as clients put it in the {@code Host} header. */
    public String host() {
        return endpoint.getHost();
    }

    /** True when the endpoint speaks HTTPS. */
    public boolean isTls() {
        return "https".equalsIgnoreCase(endpoint.getScheme());
    }
}
