package dev.dualkey.gateway.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.gateway.iam.error.IamErrorCode;
import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import dev.dualkey.gateway.sts.StsErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

/**
 * Every common error the Query protocol can produce exists in both IAM's and STS's error enums (a missing one would
 * turn a client's mistake into a 500), and each is a client error except ServiceUnavailable.
 */
class QueryCommonErrorTest {
    private static List<QueryCommonError> everyError() {
        List<QueryCommonError> all = new ArrayList<>();
        for (S3ErrorCode code : S3ErrorCode.values()) {
            all.add(QueryCommonError.of(new S3Exception(code)));
            all.add(QueryCommonError.of(new S3Exception(code), 1024));
        }
        all.add(QueryCommonError.of(new S3Exception(S3ErrorCode.ACCESS_DENIED, "There were headers present in the"
                + " request which were not signed").with("HeadersNotSigned", "x-amz-mfa")));
        all.add(QueryCommonError.of(new S3Exception(S3ErrorCode.ACCESS_DENIED, "Request has expired")
                .with("Expires", "2026-01-01T00:00:00Z")));
        all.add(QueryCommonError.of(new RejectedExecutionException(), 1024));
        return all;
    }

    @Test
    void everyCommonErrorIsAnIamAndAnStsErrorAndAClientErrorButServiceUnavailable() {
        for (QueryCommonError e : everyError()) {
            IamErrorCode iam = IamErrorCode.fromCode(e.code());
            StsErrorCode sts = StsErrorCode.fromCode(e.code());
            assertEquals(iam.httpStatus(), sts.httpStatus(), e.code());
            assertTrue(iam.httpStatus() < 500 || e.code().equals("ServiceUnavailable"), e.code());
        }
    }

    @Test
    void signatureRefusalsInAwsWording() {
        assertEquals(new QueryCommonError("InvalidClientTokenId", "The security token included in the request is"
                + " invalid."), QueryCommonError.of(new S3Exception(S3ErrorCode.INVALID_TOKEN)));
        assertEquals("IncompleteSignature", QueryCommonError.of(new S3Exception(S3ErrorCode.ACCESS_DENIED, "x")
                .with("HeadersNotSigned", "host")).code());
        assertEquals("MissingAuthenticationToken",
                QueryCommonError.of(new S3Exception(S3ErrorCode.ACCESS_DENIED, "Access Denied")).code());
        assertEquals("SignatureDoesNotMatch",
                QueryCommonError.of(new S3Exception(S3ErrorCode.REQUEST_TIME_TOO_SKEWED)).code());
    }

    @Test
    void anythingElseIsTheEndpointsOwnInternalFailure() {
        assertNull(QueryCommonError.of(new IllegalStateException("bug"), 1024));
    }
}
