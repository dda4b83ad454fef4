package dev.dualkey.gateway.auth;

import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import java.util.regex.Pattern;

/** What {@code x-amz-content-sha256} says about the body. */
public enum PayloadMode {
    /** A hex SHA-256 of the whole body, verified before the object is committed. */
    HASHED(null, false, false),
    UNSIGNED("UNSIGNED-PAYLOAD", false, false),
    STREAMING_SIGNED("STREAMING-AWS4-HMAC-SHA256-PAYLOAD", true, false),
    STREAMING_UNSIGNED_TRAILER("STREAMING-UNSIGNED-PAYLOAD-TRAILER", false, true),
    STREAMING_SIGNED_TRAILER("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER", true, true);

    private static final Pattern HEX64 = Pattern.compile("[0-9a-fA-F]{64}");

    private final String wireValue;
    private final boolean signedChunks;
    private final boolean trailer;

    PayloadMode(String wireValue, boolean signedChunks, boolean trailer) {
        this.wireValue = wireValue;
        this.signedChunks = signedChunks;
        this.trailer = trailer;
    }

    /** True for the aws-chunked encodings. */
    public boolean streaming() {
        return this == STREAMING_SIGNED || this == STREAMING_UNSIGNED_TRAILER || this == STREAMING_SIGNED_TRAILER;
    }

    public boolean signedChunks() {
        return signedChunks;
    }

    public boolean trailer() {
        return trailer;
    }

    /**
     * Classifies a header value.
     *
     * @throws S3Exception InvalidArgument for anything else (S3's answer, e.g. for SigV4a streaming)
     */
    public static PayloadMode of(String headerValue) {
        for (PayloadMode m : values()) {
            if (m.wireValue != null && m.wireValue.equals(headerValue)) {
                return m;
            }
        }
        if (headerValue != null && HEX64.matcher(headerValue).matches()) {
            return HASHED;
        }
        throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "x-amz-content-sha256 must be UNSIGNED-PAYLOAD,"
                + " STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD,"
                + " STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, or a valid sha256 value.")
                .with("ArgumentName", "x-amz-content-sha256").with("ArgumentValue", headerValue);
    }
}
