package dev.dualkey.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * aws-chunked decoding with the S3 API reference's streaming example ("Signature Calculations for the
 * Authorization Header: Transferring Payload in Multiple Chunks"): 65 KiB of 'a' in a 64 KiB and a 1 KiB chunk.
 */
class AwsChunkedDecoderTest {
    static final String SK = SigV4VerifierTest.SK;
    static final String DATE = "20130524T000000Z";
    static final String SCOPE = "20130524/us-east-1/s3/aws4_request";
    static final String SEED = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
    static final String SIG1 = "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648";
    static final String SIG2 = "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497";
    static final String SIG3 = "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9";
    static final byte[] KEY = SigV4Signer.signingKey(SK, "20130524", "us-east-1", "s3");

    static byte[] awsExampleBody(String finalSignature) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] a64 = new byte[65536];
        Arrays.fill(a64, (byte) 'a');
        byte[] a1 = new byte[1024];
        Arrays.fill(a1, (byte) 'a');
        out.writeBytes(("10000;chunk-signature=" + SIG1 + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(a64);
        out.writeBytes(("\r\n400;chunk-signature=" + SIG2 + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(a1);
        out.writeBytes(("\r\n0;chunk-signature=" + finalSignature + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    static byte[] decode(AwsChunkedDecoder d, byte[] body, int pieceSize) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < body.length; i += pieceSize) {
            d.feed(ByteBuffer.wrap(body, i, Math.min(pieceSize, body.length - i)), b -> {
                byte[] x = new byte[b.remaining()];
                b.get(x);
                out.writeBytes(x);
            });
        }
        return out.toByteArray();
    }

    @Test
    void awsSeedSignatureMatchesTheDocumentedHeaderSignature() {
        String canonical = "PUT\n/examplebucket/chunkObject.txt\n\ncontent-encoding:aws-chunked\ncontent-length:66824\n"
                + "host:s3.amazonaws.com\nx-amz-content-sha256:STREAMING-AWS4-HMAC-SHA256-PAYLOAD\n"
                + "x-amz-date:20130524T000000Z\nx-amz-decoded-content-length:66560\n"
                + "x-amz-storage-class:REDUCED_REDUNDANCY\n\ncontent-encoding;content-length;host;x-amz-content-sha256;"
                + "x-amz-date;x-amz-decoded-content-length;x-amz-storage-class\nSTREAMING-AWS4-HMAC-SHA256-PAYLOAD";
        assertEquals(SEED, SigV4Signer.signature(KEY, SigV4Signer.stringToSign(DATE, SCOPE, canonical)));
    }

    @Test
    void awsExampleDecodesInAnyPieceSize() {
        byte[] body = awsExampleBody(SIG3);
        for (int piece : new int[] {1, 7, 100, 8192, body.length}) {
            AwsChunkedDecoder d = new AwsChunkedDecoder(PayloadMode.STREAMING_SIGNED, KEY, DATE, SCOPE, SEED);
            byte[] decoded = decode(d, body, piece);
            assertEquals(66560, decoded.length, "piece size " + piece);
            assertEquals(66560, d.decodedLength());
            for (byte b : decoded) {
                assertEquals('a', b);
            }
            assertEquals(Map.of(), d.finish());
        }
    }

    @Test
    void badFinalChunkSignatureIsSignatureDoesNotMatch() {
        byte[] body = awsExampleBody(SIG3.replace('b', 'c'));
        AwsChunkedDecoder d = new AwsChunkedDecoder(PayloadMode.STREAMING_SIGNED, KEY, DATE, SCOPE, SEED);
        S3Exception e = assertThrows(S3Exception.class, () -> decode(d, body, 4096));
        assertEquals(S3ErrorCode.SIGNATURE_DOES_NOT_MATCH, e.error());
    }

    @Test
    void tamperedDataIsSignatureDoesNotMatch() {
        byte[] body = awsExampleBody(SIG3);
        body[200] = 'b';
        AwsChunkedDecoder d = new AwsChunkedDecoder(PayloadMode.STREAMING_SIGNED, KEY, DATE, SCOPE, SEED);
        S3Exception e = assertThrows(S3Exception.class, () -> decode(d, body, 4096));
        assertEquals(S3ErrorCode.SIGNATURE_DOES_NOT_MATCH, e.error());
    }

    @Test
    void truncatedBodyIsIncompleteBody() {
        byte[] body = awsExampleBody(SIG3);
        AwsChunkedDecoder d = new AwsChunkedDecoder(PayloadMode.STREAMING_SIGNED, KEY, DATE, SCOPE, SEED);
        decode(d, Arrays.copyOf(body, body.length - 100), 4096);
        S3Exception e = assertThrows(S3Exception.class, d::finish);
        assertEquals(S3ErrorCode.INCOMPLETE_BODY, e.error());
    }

    @Test
    void unsignedPayloadWithTrailerReturnsTrailingChecksum() {
        byte[] body = "5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        AwsChunkedDecoder d = new AwsChunkedDecoder(PayloadMode.STREAMING_UNSIGNED_TRAILER, KEY, DATE, SCOPE, SEED);
        assertArrayEquals("hello".getBytes(StandardCharsets.US_ASCII), decode(d, body, 3));
        assertEquals(Map.of("x-amz-checksum-crc32", "NhCmhg=="), d.finish());
    }

    @Test
    void trailerIsRefusedWhenTheModeHasNone() {
        byte[] body = ("0;chunk-signature=" + SIG1 + "\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        AwsChunkedDecoder d = new AwsChunkedDecoder(PayloadMode.STREAMING_SIGNED, KEY, DATE, SCOPE, SEED);
        assertThrows(S3Exception.class, () -> decode(d, body, 64));
    }

    @Test
    void signedTrailerChainIsVerified() {
        // Build a body the way an SDK does: chunk signatures chained from the seed, then the trailer signature.
        byte[] data = "hello".getBytes(StandardCharsets.US_ASCII);
        String s1 = SigV4Signer.signature(KEY, SigV4Signer.chunkStringToSign(DATE, SCOPE, SEED,
                SigV4Signer.hex(SigV4Signer.sha256().digest(data))));
        String s2 = SigV4Signer.signature(KEY, SigV4Signer.chunkStringToSign(DATE, SCOPE, s1,
                SigV4Signer.EMPTY_SHA256));
        Map<String, String> trailers = Map.of("x-amz-checksum-crc32", "NhCmhg==");
        String ts = SigV4Signer.signature(KEY, SigV4Signer.trailerStringToSign(DATE, SCOPE, s2, trailers));
        String good = "5;chunk-signature=" + s1 + "\r\nhello\r\n0;chunk-signature=" + s2
                + "\r\nx-amz-checksum-crc32:NhCmhg==\r\nx-amz-trailer-signature:" + ts + "\r\n\r\n";
        AwsChunkedDecoder d = new AwsChunkedDecoder(PayloadMode.STREAMING_SIGNED_TRAILER, KEY, DATE, SCOPE, SEED);
        assertArrayEquals(data, decode(d, good.getBytes(StandardCharsets.US_ASCII), 5));
        assertEquals(trailers, d.finish());

        String forged = good.replace("NhCmhg==", "AAAAAA==");
        AwsChunkedDecoder d2 = new AwsChunkedDecoder(PayloadMode.STREAMING_SIGNED_TRAILER, KEY, DATE, SCOPE, SEED);
        S3Exception e = assertThrows(S3Exception.class,
                () -> decode(d2, forged.getBytes(StandardCharsets.US_ASCII), 5));
        assertEquals(S3ErrorCode.SIGNATURE_DOES_NOT_MATCH, e.error());
    }

    /**
     * An aws-chunked body as an SDK writes it: {@code payload} cut into {@code chunkSizes} (the rest in one more
     * chunk), each chunk signed on the previous signature when {@code mode} signs chunks, then the final chunk and
     * the trailers (signed when the mode signs chunks and has a trailer).
     */
    static byte[] encode(PayloadMode mode, byte[] payload, int[] chunkSizes, Map<String, String> trailers) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String previous = SEED;
        int at = 0;
        int i = 0;
        while (true) {
            int n = at == payload.length ? 0 : i < chunkSizes.length ? chunkSizes[i++] : payload.length - at;
            byte[] data = Arrays.copyOfRange(payload, at, at + n);
            at += n;
            String header = Integer.toHexString(n);
            if (mode.signedChunks()) {
                previous = SigV4Signer.signature(KEY, SigV4Signer.chunkStringToSign(DATE, SCOPE, previous,
                        SigV4Signer.hex(SigV4Signer.sha256().digest(data))));
                header += ";chunk-signature=" + previous;
            }
            out.writeBytes((header + "\r\n").getBytes(StandardCharsets.US_ASCII));
            if (n == 0) {
                break;
            }
            out.writeBytes(data);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        StringBuilder tail = new StringBuilder();
        trailers.forEach((k, v) -> tail.append(k).append(':').append(v).append("\r\n"));
        if (mode.signedChunks() && mode.trailer() && !trailers.isEmpty()) {
            tail.append("x-amz-trailer-signature:").append(SigV4Signer.signature(KEY,
                    SigV4Signer.trailerStringToSign(DATE, SCOPE, previous, trailers))).append("\r\n");
        }
        out.writeBytes((tail + "\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static byte[] randomPayload(int size) {
        byte[] payload = new byte[size];
        new Random(19).nextBytes(payload);
        return payload;
    }

    /** Position of the {@code n}-th occurrence (from 0) of {@code what} in {@code body}. */
    private static int indexOf(byte[] body, String what, int n) {
        String text = new String(body, StandardCharsets.ISO_8859_1);
        int at = -1;
        for (int i = 0; i <= n; i++) {
            at = text.indexOf(what, at + 1);
        }
        return at;
    }

    /**
     * Unsigned chunks are no longer hashed (issue 19); signed ones must still be, each of them, in both signed
     * modes: a changed data byte or a changed chunk signature in the first, a middle or the last data chunk is
     * SignatureDoesNotMatch.
     */
    @Test
    void everySignedChunkIsStillVerifiedWithAndWithoutTrailer() {
        byte[] payload = randomPayload(3 * 1000 + 17);
        int[] chunks = {1000, 1000, 1000};
        Map<String, String> trailers = Map.of("x-amz-checksum-crc32", "AAAAAA==");
        for (PayloadMode mode : new PayloadMode[] {PayloadMode.STREAMING_SIGNED,
                PayloadMode.STREAMING_SIGNED_TRAILER}) {
            Map<String, String> t = mode.trailer() ? trailers : Map.of();
            byte[] good = encode(mode, payload, chunks, t);
            AwsChunkedDecoder ok = new AwsChunkedDecoder(mode, KEY, DATE, SCOPE, SEED);
            assertArrayEquals(payload, decode(ok, good, 512), mode + ": the untampered body decodes");
            assertEquals(t, ok.finish());
            for (int chunk = 0; chunk < 4; chunk++) {
                int signature = indexOf(good, "chunk-signature=", chunk) + "chunk-signature=".length();
                byte[] badSignature = good.clone();
                badSignature[signature] = (byte) (badSignature[signature] == '0' ? '1' : '0');
                S3Exception e = assertThrows(S3Exception.class, () ->
                        decode(new AwsChunkedDecoder(mode, KEY, DATE, SCOPE, SEED), badSignature, 512));
                assertEquals(S3ErrorCode.SIGNATURE_DOES_NOT_MATCH, e.error(), mode + " signature of chunk " + chunk);
                if (chunk == 3) {
                    continue; // the final chunk has no data
                }
                int data = signature + 64 + 2 + 500; // the signature, CRLF, then the chunk's data
                byte[] badData = good.clone();
                badData[data] ^= 1;
                e = assertThrows(S3Exception.class, () ->
                        decode(new AwsChunkedDecoder(mode, KEY, DATE, SCOPE, SEED), badData, 512));
                assertEquals(S3ErrorCode.SIGNATURE_DOES_NOT_MATCH, e.error(), mode + " data of chunk " + chunk);
            }
        }
    }

    /**
     * The unsigned decoder (which no longer hashes) hands on exactly the bytes and trailers the signed one does,
     * for any chunking of the body and any cut of the input into pieces.
     */
    @Test
    void unsignedChunksDecodeTheSameBytesAsSignedChunks() {
        byte[] payload = randomPayload(200_000);
        Map<String, String> trailers = new LinkedHashMap<>();
        trailers.put("x-amz-checksum-crc32", "NhCmhg==");
        int[][] chunkings = {{}, {65536, 65536}, {1, 2, 3, 70_000}, {8192, 1, 100_000}};
        for (int[] chunks : chunkings) {
            byte[] signed = encode(PayloadMode.STREAMING_SIGNED_TRAILER, payload, chunks, trailers);
            byte[] unsigned = encode(PayloadMode.STREAMING_UNSIGNED_TRAILER, payload, chunks, trailers);
            for (int piece : new int[] {1, 13, 8192, 65537, signed.length}) {
                AwsChunkedDecoder s = new AwsChunkedDecoder(PayloadMode.STREAMING_SIGNED_TRAILER, KEY, DATE, SCOPE,
                        SEED);
                AwsChunkedDecoder u = new AwsChunkedDecoder(PayloadMode.STREAMING_UNSIGNED_TRAILER, KEY, DATE, SCOPE,
                        SEED);
                byte[] fromSigned = decode(s, signed, piece);
                byte[] fromUnsigned = decode(u, unsigned, piece);
                String where = Arrays.toString(chunks) + " in pieces of " + piece;
                assertArrayEquals(payload, fromSigned, where);
                assertArrayEquals(fromSigned, fromUnsigned, where);
                assertEquals(s.decodedLength(), u.decodedLength(), where);
                assertEquals(s.finish(), u.finish(), where);
                assertEquals(trailers, u.finish(), where);
            }
        }
    }
}
