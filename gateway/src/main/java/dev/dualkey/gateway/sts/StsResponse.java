package dev.dualkey.gateway.sts;

import java.util.Objects;

/** An STS response ready to send: HTTP status and a {@code text/xml} body. */
public record StsResponse(int status, byte[] body) {
    public static final String CONTENT_TYPE = "text/xml";

    public StsResponse {
        Objects.requireNonNull(body, "body");
    }
}
