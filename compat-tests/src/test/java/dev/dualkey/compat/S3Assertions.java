package dev.dualkey.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.amazonaws.services.s3.model.AmazonS3Exception;
import java.util.Optional;
import org.junit.jupiter.api.function.Executable;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Assertions on S3 failures as the SDKs surface them: HTTP status and S3 error code, both always checked. */
public final class S3Assertions {

    private S3Assertions() {
    }

    /** Asserts that {@code call} fails through SDK v2 with {@code status} and {@code errorCode}. */
    public static S3Exception assertS3Error(int status, String errorCode, Executable call) {
        S3Exception e = assertThrows(S3Exception.class, call);
        assertEquals(status, e.statusCode(), () -> "HTTP status of " + describe(e));
        assertEquals(errorCode, e.awsErrorDetails().errorCode(), () -> "error code of " + describe(e));
        return e;
    }

    /**
     * Asserts a failure of a HEAD request (no body, so no error code on the wire): status only, and the SDK
     * exception type S3 clients rely on (e.g. {@code NoSuchKeyException} for 404).
     */
    public static S3Exception assertHeadError(int status, Executable call) {
        S3Exception e = assertThrows(S3Exception.class, call);
        assertEquals(status, e.statusCode(), () -> "HTTP status of " + describe(e));
        return e;
    }

    /** Asserts that {@code call} fails through SDK v1 with {@code status} and {@code errorCode}. */
    public static AmazonS3Exception assertV1Error(int status, String errorCode, Executable call) {
        AmazonS3Exception e = assertThrows(AmazonS3Exception.class, call);
        assertEquals(status, e.getStatusCode(), () -> "HTTP status of " + e);
        assertEquals(errorCode, e.getErrorCode(), () -> "error code of " + e);
        return e;
    }

    /** A response header of an SDK v2 failure. */
    public static Optional<String> header(S3Exception e, String name) {
        return e.awsErrorDetails().sdkHttpResponse().firstMatchingHeader(name);
    }

    private static String describe(S3Exception e) {
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
