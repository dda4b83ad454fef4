package dev.dualkey.gateway.s3;

import dev.dualkey.gateway.auth.AwsChunkedDecoder;
import dev.dualkey.gateway.auth.PayloadMode;
import dev.dualkey.gateway.auth.SigV4Signer;
import dev.dualkey.gateway.http.Exchange;
import dev.dualkey.gateway.http.Reply;
import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.nio.charset.StandardCharsets;
import dev.dualkey.storage.checksum.BodyDigests;
import dev.dualkey.storage.model.ChecksumAlgorithm;
import java.util.function.BiFunction;

/**
 * An aggregated, verified small body (XML documents): decodes aws-chunked framing, then checks
 * {@code x-amz-content-sha256} and {@code Content-MD5} before the operation sees a byte.
 */
public final class SmallBody {
    private SmallBody() {
    }

    /** An exchange that aggregates up to the operation's cap, verifies, then runs {@code operation}. */
    public static Exchange.Aggregated exchange(S3Request request, BiFunction<S3Request, byte[], Reply> operation) {
        long cap = request.operation().body().maxBytes();
        return new Exchange.Aggregated() {
            @Override
            public long maxBodyBytes() {
                return cap < 0 ? S3Operation.Body.LARGE_XML.maxBytes() : cap;
            }

            @Override
            public Reply complete(byte[] body) {
                return operation.apply(request, verify(request, body));
            }
        };
    }

    /** Decodes and verifies a whole body; returns the payload bytes. */
    public static byte[] verify(S3Request request, byte[] body) {
        PayloadMode mode = request.auth().payloadMode();
        byte[] payload = body;
        if (mode.streaming()) {
            AwsChunkedDecoder decoder = request.auth().newChunkedDecoder();
            ByteArrayOutputStream out = new ByteArrayOutputStream(body.length);
            decoder.feed(ByteBuffer.wrap(body), b -> {
                byte[] chunk = new byte[b.remaining()];
                b.get(chunk);
                out.writeBytes(chunk);
            });
            Map<String, String> trailers = decoder.finish();
            payload = out.toByteArray();
            verifyChecksums(payload, trailerChecksums(trailers));
        } else if (mode == PayloadMode.HASHED) {
            String declared = request.auth().signature().payloadHash().toLowerCase(Locale.ROOT);
            String actual = SigV4Signer.hex(SigV4Signer.sha256().digest(payload));
            if (!MessageDigest.isEqual(declared.getBytes(), actual.getBytes())) {
                throw new S3Exception(S3ErrorCode.X_AMZ_CONTENT_SHA256_MISMATCH)
                        .with("ClientComputedContentSHA256", declared).with("S3ComputedContentSHA256", actual);
            }
        }
        byte[] md5 = contentMd5(request);
        if (md5 != null) {
            try {
                byte[] actual = MessageDigest.getInstance("MD5").digest(payload);
                if (!MessageDigest.isEqual(md5, actual)) {
                    throw new S3Exception(S3ErrorCode.BAD_DIGEST)
                            .with("ExpectedDigest", request.header("Content-MD5"))
                            .with("CalculatedDigest", Base64.getEncoder().encodeToString(actual));
                }
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        // On CompleteMultipartUpload the x-amz-checksum-* headers are the whole object's checksum (checked by the
        // store against the parts), not the XML body's.
        if (request.operation() != S3Operation.COMPLETE_MULTIPART_UPLOAD) {
            verifyChecksums(request, payload);
        }
        return payload;
    }

    /**
     * Checks {@code x-amz-checksum-*} headers of a whole small body.
     *
     * @throws S3Exception BadDigest on a mismatch (S3's wording names the algorithm)
     */
    static void verifyChecksums(S3Request request, byte[] payload) {
        Map<ChecksumAlgorithm, String> declared = new EnumMap<>(ChecksumAlgorithm.class);
        for (ChecksumAlgorithm a : ChecksumAlgorithm.values()) {
            String v = request.header("x-amz-checksum-" + a.headerSuffix());
            if (v != null) {
                declared.put(a, v.trim());
            }
        }
        verifyChecksums(payload, declared);
    }

    private static Map<ChecksumAlgorithm, String> trailerChecksums(Map<String, String> trailers) {
        Map<ChecksumAlgorithm, String> declared = new EnumMap<>(ChecksumAlgorithm.class);
        for (ChecksumAlgorithm a : ChecksumAlgorithm.values()) {
            String v = trailers.get("x-amz-checksum-" + a.headerSuffix());
            if (v != null) {
                declared.put(a, v.trim());
            }
        }
        return declared;
    }

    private static void verifyChecksums(byte[] payload, Map<ChecksumAlgorithm, String> declared) {
        if (declared.isEmpty()) {
            return;
        }
        BodyDigests digests = new BodyDigests(false, declared.keySet());
        digests.update(ByteBuffer.wrap(payload));
        for (Map.Entry<ChecksumAlgorithm, String> e : declared.entrySet()) {
            String actual = digests.checksumBase64(e.getKey());
            if (!MessageDigest.isEqual(actual.getBytes(StandardCharsets.US_ASCII),
                    e.getValue().getBytes(StandardCharsets.US_ASCII))) {
                throw new S3Exception(S3ErrorCode.BAD_DIGEST, "The " + e.getKey().name()
                        + " you specified did not match the calculated checksum.");
            }
        }
    }

    /**
     * The 16 bytes of {@code Content-MD5}, or null when absent.
     *
     * @throws S3Exception InvalidDigest when it is not base64 of 16 bytes
     */
    public static byte[] contentMd5(S3Request request) {
        String header = request.header("Content-MD5");
        if (header == null) {
            return null;
        }
        try {
            byte[] md5 = Base64.getDecoder().decode(header.trim());
            if (md5.length != 16) {
                throw new IllegalArgumentException("not 16 bytes");
            }
            return md5;
        } catch (IllegalArgumentException e) {
            throw new S3Exception(S3ErrorCode.INVALID_DIGEST).with("Content-MD5", header);
        }
    }
}
