package dev.dualkey.gateway.query;

import dev.dualkey.gateway.auth.AuthResult;
import dev.dualkey.gateway.auth.SigV4Verifier;
import dev.dualkey.gateway.http.RequestHead;

import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * SigV4 for the AWS Query protocol (IAM, STS): the form body is signed through its SHA-256, and no
 * {@code x-amz-content-sha256} header carries it, so the signature can only be checked once the (small, capped) form
 * has been read. To hold no body for a request that cannot authenticate (issue 12 F), {@link #checkHead} runs every
 * check the head allows first: signed at all, one auth mechanism, signed headers, date and skew, credential scope and
 * service, access key (and session token) valid; and, before all of them, a URI that can be canonicalised. Failures are the verifier's {@link S3Exception}s; each endpoint
 * words them in its own protocol's errors.
 */
public final class QueryFormSignature {
    /** No body hashes to this (a SHA-256 preimage would be needed), so the head check never passes by accident. */
    private static final String HEAD_CHECK_PAYLOAD_HASH = "0".repeat(64);

    private final SigV4Verifier verifier;

    public QueryFormSignature(SigV4Verifier verifier) {
        this.verifier = Objects.requireNonNull(verifier, "verifier");
    }

    /**
     * Everything but the signature itself, before any body byte is read: a verify with a placeholder payload hash
     * that fails only at the signature comparison has passed every check before it.
     *
     * @throws S3Exception any refusal other than the (expected) SignatureDoesNotMatch
     */
    public void checkHead(RequestHead head) {
        checkUri(head);
        try {
            verifier.verify(head.signable(), HEAD_CHECK_PAYLOAD_HASH);
        } catch (S3Exception e) {
            if (e.error() != S3ErrorCode.SIGNATURE_DOES_NOT_MATCH) {
                throw e;
            }
        }
    }

    /** The full verification over the form that was read. */
    public AuthResult verify(RequestHead head, byte[] form) {
        checkUri(head);
        return verifier.verify(head.signable(), sha256Hex(form));
    }

    /** A bad percent escape cannot be canonicalised: the client's error (InvalidURI), never a 500. */
    private static void checkUri(RequestHead head) {
        if (head.malformedUri()) {
            throw new S3Exception(S3ErrorCode.INVALID_URI);
        }
    }

    static String sha256Hex(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
