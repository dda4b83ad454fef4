package dev.dualkey.gateway.s3;

import dev.dualkey.gateway.auth.AwsChunkedDecoder;
import dev.dualkey.gateway.auth.PayloadMode;
import dev.dualkey.gateway.auth.SigV4Signer;
import dev.dualkey.gateway.http.Exchange;
import dev.dualkey.gateway.http.Reply;
import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import dev.dualkey.storage.BodyWriter;
import dev.dualkey.storage.Expectations;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import dev.dualkey.storage.checksum.BodyDigests;
import dev.dualkey.storage.model.ChecksumAlgorithm;
import java.util.Map;
import java.util.function.Function;

/**
 * Streams an object or part body into a storage writer: aws-chunked bodies are decoded (chunk signatures checked)
 * as they pass, then {@link #finish()} checks {@code x-amz-content-sha256}, adds trailer checksums to the
 * expectations and commits. Nothing is visible before commit; any failure aborts the writer.
 *
 * @param <R> what the writer's commit returns
 */
public final class UploadExchange<R> implements Exchange.Streaming {
    private final BodyWriter<R> writer;
    private final AwsChunkedDecoder decoder;
    private final String declaredSha256;
    private final Expectations expectations;
    private final Function<R, Reply> reply;
    /**
     * Digests the writer does not compute: SHA-256 of a hashed payload, checksums the writer was not asked for. No
     * MD5: the writer computes the ETag's, and a second one cost 1.4 ns per byte of every signed-payload PUT.
     */
    private final BodyDigests own;

    /**
     * @param writer  an open writer
     * @param reply   builds the answer from the committed result
     */
    public UploadExchange(S3Request request, BodyWriter<R> writer, Expectations expectations,
                          Function<R, Reply> reply) {
        this.writer = writer;
        if (expectations.contentLength() != null) {
            writer.declareLength(expectations.contentLength()); // lets a store forward the body as it arrives
        }
        PayloadMode mode = request.auth().payloadMode();
        this.decoder = mode.streaming() ? request.auth().newChunkedDecoder() : null;
        this.declaredSha256 = mode == PayloadMode.HASHED
                ? request.auth().signature().payloadHash().toLowerCase(Locale.ROOT) : null;
        this.expectations = expectations;
        this.reply = reply;
        Set<ChecksumAlgorithm> missing = EnumSet.noneOf(ChecksumAlgorithm.class);
        for (ChecksumAlgorithm a : ObjectHeaders.requestedChecksums(request)) {
            if (writer.checksum(a).isEmpty()) {
                missing.add(a);
            }
        }
        this.own = declaredSha256 != null || !missing.isEmpty() ? new BodyDigests(false, declaredSha256 != null, missing)
                : null;
    }

    /**
     * The decoded body length the client declared: {@code x-amz-decoded-content-length} for aws-chunked bodies,
     * else Content-Length.
     *
     * @throws S3Exception MissingContentLength when neither applies
     */
    public static long declaredLength(S3Request request) {
        if (request.auth().payloadMode().streaming()) {
            String d = request.header("x-amz-decoded-content-length");
            if (d == null) {
                throw new S3Exception(S3ErrorCode.MISSING_CONTENT_LENGTH);
            }
            try {
                return Long.parseLong(d.trim());
            } catch (NumberFormatException e) {
                throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Invalid x-amz-decoded-content-length")
                        .with("ArgumentName", "x-amz-decoded-content-length").with("ArgumentValue", d);
            }
        }
        long len = request.head().contentLength();
        if (len < 0) {
            throw new S3Exception(S3ErrorCode.MISSING_CONTENT_LENGTH);
        }
        return len;
    }

    @Override
    public void onData(ByteBuffer data) {
        if (decoder != null) {
            decoder.feed(data, this::write);
        } else {
            write(data);
        }
    }

    private void write(ByteBuffer data) {
        if (own != null) {
            own.update(data.duplicate());
        }
        writer.write(data);
    }

    @Override
    public Reply finish() {
        try {
            Expectations e = expectations;
            if (decoder != null) {
                Map<String, String> trailers = decoder.finish();
                e = ObjectHeaders.withTrailers(e, trailers);
            }
            e = verifyOwn(e);
            if (declaredSha256 != null) {
                String actual = SigV4Signer.hex(own.sha256());
                if (!MessageDigest.isEqual(actual.getBytes(StandardCharsets.US_ASCII),
                        declaredSha256.getBytes(StandardCharsets.US_ASCII))) {
                    throw new S3Exception(S3ErrorCode.X_AMZ_CONTENT_SHA256_MISMATCH)
                            .with("ClientComputedContentSHA256", declaredSha256)
                            .with("S3ComputedContentSHA256", actual);
                }
            }
            return reply.apply(writer.commit(e));
        } catch (RuntimeException ex) {
            writer.abort();
            throw ex;
        }
    }

    /** Verifies the checksums only this exchange computed; returns the expectations left for the writer. */
    private Expectations verifyOwn(Expectations e) {
        if (own == null || own.algorithms().isEmpty()) {
            return e;
        }
        Map<ChecksumAlgorithm, String> rest = new EnumMap<>(ChecksumAlgorithm.class);
        for (Map.Entry<ChecksumAlgorithm, String> c : e.checksums().entrySet()) {
            if (!own.algorithms().contains(c.getKey())) {
                rest.put(c.getKey(), c.getValue());
                continue;
            }
            String actual = own.checksumBase64(c.getKey());
            if (!MessageDigest.isEqual(actual.getBytes(StandardCharsets.US_ASCII),
                    c.getValue().getBytes(StandardCharsets.US_ASCII))) {
                throw new S3Exception(S3ErrorCode.BAD_DIGEST, "The " + c.getKey().name()
                        + " you specified did not match the calculated checksum.");
            }
        }
        return new Expectations(e.contentLength(), e.contentMd5(), rest);
    }

    @Override
    public void abort() {
        writer.abort();
    }
}
