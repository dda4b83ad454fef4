package dev.dualkey.gateway.s3.error;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An S3 error answer: a code, a message, and ordered extra elements of the {@code <Error>} document (for
 * example {@code <StringToSign>} on SignatureDoesNotMatch). Immutable; add extras with {@link #with}.
 * Extra response headers (for example {@code x-amz-delete-marker}) travel in {@link #headers()}.
 */
public final class S3Exception extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final S3ErrorCode error;
    private final Map<String, String> extras;
    private final Map<String, String> headers;

    public S3Exception(S3ErrorCode error) {
        this(error, error.defaultMessage());
    }

    public S3Exception(S3ErrorCode error, String message) {
        this(error, message, Map.of(), Map.of(), null);
    }

    public S3Exception(S3ErrorCode error, String message, Throwable cause) {
        this(error, message, Map.of(), Map.of(), cause);
    }

    private S3Exception(S3ErrorCode error, String message, Map<String, String> extras, Map<String, String> headers,
                        Throwable cause) {
        super(message, cause, false, false);
        this.error = Objects.requireNonNull(error, "error");
        this.extras = Collections.unmodifiableMap(new LinkedHashMap<>(extras));
        this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    /** A copy with one more {@code <name>value</name>} element (null values are skipped). */
    public S3Exception with(String element, String value) {
        if (value == null) {
            return this;
        }
        Map<String, String> e = new LinkedHashMap<>(extras);
        e.put(element, value);
        return new S3Exception(error, getMessage(), e, headers, getCause());
    }

    /** A copy that also sends the given response header. */
    public S3Exception withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new S3Exception(error, getMessage(), extras, h, getCause());
    }

    public S3ErrorCode error() {
        return error;
    }

    public Map<String, String> extras() {
        return extras;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
