package dev.dualkey.gateway.iam;

import java.util.Objects;

/** An IAM response ready to send: HTTP status and a {@code text/xml} body. */
public record IamResponse(int status, byte[] body) {
    public static final String CONTENT_TYPE = "text/xml";

    public IamResponse {
        Objects.requireNonNull(body, "body");
    }
}
