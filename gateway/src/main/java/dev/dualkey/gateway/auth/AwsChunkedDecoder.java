package dev.dualkey.gateway.auth;

import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Incremental decoder of {@code Content-Encoding: aws-chunked} bodies. Input arrives in arbitrary pieces;
 * decoded payload bytes are handed on as they pass (never buffered whole), each chunk's signature is checked
 * when the chunk ends, and the trailing headers (and their signature) when the body ends.
 *
 * <pre>
 * signed:    hex-size ";chunk-signature=" sig CRLF data CRLF ... "0;chunk-signature=" sig CRLF [trailers] CRLF
 * unsigned:  hex-size CRLF data CRLF ... "0" CRLF [trailers] CRLF
 * trailers:  name ":" value CRLF ... ["x-amz-trailer-signature:" sig CRLF]
 * </pre>
 *
 * Chunk signature {@code i} chains on signature {@code i-1}; the first chains on the seed (header) signature.
 * Bytes handed on before a bad signature is found are harmless: the caller commits nothing until
 * {@link #finish()} returns. Not thread-safe; one instance per request.
 */
public final class AwsChunkedDecoder {
    private static final int MAX_LINE = 4096;
    private static final int MAX_TRAILERS = 16;

    private enum State { HEADER, DATA, DATA_CR, DATA_LF, TRAILER, DONE }

    private final PayloadMode mode;
    private final byte[] signingKey;
    private final String amzDate;
    private final String scope;
    /**
     * SHA-256 of the current chunk's data, for its chunk signature; null when the chunks carry no signature
     * (STREAMING-UNSIGNED-PAYLOAD-TRAILER): nothing would check the hash, and hashing costs a large unsigned PUT
     * about 0.7 CPU-s per GiB (issue 19). The payload's integrity then rests on the trailer checksum.
     */
    private final MessageDigest chunkDigest;
    private final StringBuilder line = new StringBuilder();
    private final Map<String, String> trailers = new LinkedHashMap<>();

    private String previousSignature;
    private String chunkSignature;
    private String trailerSignature;
    private State state = State.HEADER;
    private long remaining;
    private long decodedLength;

    /** @param seedSignature the signature of the request headers */
    public AwsChunkedDecoder(PayloadMode mode, byte[] signingKey, String amzDate, String scope, String seedSignature) {
        if (!mode.streaming()) {
            throw new IllegalArgumentException("not a streaming payload mode: " + mode);
        }
        this.mode = mode;
        this.signingKey = signingKey;
        this.amzDate = amzDate;
        this.scope = scope;
        this.previousSignature = seedSignature;
        this.chunkDigest = mode.signedChunks() ? SigV4Signer.sha256() : null;
    }

    /**
     * Decodes the next piece of the encoded body.
     *
     * @param in  encoded bytes; fully consumed
     * @param out receives decoded slices of {@code in}; must use them before returning
     * @throws S3Exception SignatureDoesNotMatch on a bad chunk signature, IncompleteBody on bad framing
     */
    public void feed(ByteBuffer in, Consumer<ByteBuffer> out) {
        while (in.hasRemaining()) {
            switch (state) {
                case HEADER, TRAILER -> readLineByte(in.get());
                case DATA -> {
                    int n = (int) Math.min(remaining, in.remaining());
                    ByteBuffer slice = in.slice(in.position(), n);
                    if (chunkDigest != null) {
                        chunkDigest.update(slice.duplicate());
                    }
                    in.position(in.position() + n);
                    remaining -= n;
                    decodedLength += n;
                    out.accept(slice);
                    if (remaining == 0) {
                        verifyChunk();
                        state = State.DATA_CR;
                    }
                }
                case DATA_CR -> {
                    expect(in.get(), '\r');
                    state = State.DATA_LF;
                }
                case DATA_LF -> {
                    expect(in.get(), '\n');
                    state = State.HEADER;
                }
                case DONE -> throw framing("data after the final chunk");
                default -> throw new IllegalStateException(state.name());
            }
        }
    }

    /**
     * Ends the body.
     *
     * @return the trailing headers by lower-case name (without {@code x-amz-trailer-signature})
     * @throws S3Exception IncompleteBody when the final chunk or trailer section is missing
     */
    public Map<String, String> finish() {
        if (state != State.DONE) {
            throw new S3Exception(S3ErrorCode.INCOMPLETE_BODY,
                    "The request body ended before the final aws-chunked chunk");
        }
        return Collections.unmodifiableMap(trailers);
    }

    /** Payload bytes decoded so far. */
    public long decodedLength() {
        return decodedLength;
    }

    private void readLineByte(byte b) {
        if (b == '\n') {
            int len = line.length();
            String l = len > 0 && line.charAt(len - 1) == '\r' ? line.substring(0, len - 1) : line.toString();
            line.setLength(0);
            if (state == State.HEADER) {
                chunkHeader(l);
            } else {
                trailerLine(l);
            }
            return;
        }
        if (line.length() >= MAX_LINE) {
            throw framing("chunk header line too long");
        }
        line.append((char) (b & 0xff));
    }

    private void chunkHeader(String l) {
        int semi = l.indexOf(';');
        String size = (semi < 0 ? l : l.substring(0, semi)).trim();
        chunkSignature = null;
        if (semi >= 0) {
            for (String ext : l.substring(semi + 1).split(";")) {
                String e = ext.trim();
                if (e.startsWith("chunk-signature=")) {
                    chunkSignature = e.substring("chunk-signature=".length()).toLowerCase(Locale.ROOT);
                }
            }
        }
        if (mode.signedChunks() && chunkSignature == null) {
            throw framing("chunk without chunk-signature");
        }
        try {
            remaining = Long.parseLong(size, 16);
        } catch (NumberFormatException e) {
            throw framing("bad chunk size '" + size + "'");
        }
        if (remaining < 0) {
            throw framing("negative chunk size");
        }
        if (chunkDigest != null) {
            chunkDigest.reset();
        }
        if (remaining == 0) {
            verifyChunk();
            state = State.TRAILER;
        } else {
            state = State.DATA;
        }
    }

    private void trailerLine(String l) {
        if (l.isEmpty()) {
            if (mode == PayloadMode.STREAMING_SIGNED_TRAILER && !trailers.isEmpty()) {
                verifyTrailer();
            }
            state = State.DONE;
            return;
        }
        if (!mode.trailer()) {
            throw framing("trailing headers are not allowed with this x-amz-content-sha256");
        }
        int colon = l.indexOf(':');
        if (colon <= 0 || trailers.size() >= MAX_TRAILERS) {
            throw framing("bad trailing header");
        }
        String name = l.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = l.substring(colon + 1).trim();
        if (name.equals("x-amz-trailer-signature")) {
            trailerSignature = value.toLowerCase(Locale.ROOT);
        } else {
            trailers.put(name, value);
        }
    }

    private void verifyChunk() {
        if (!mode.signedChunks()) {
            return;
        }
        String stringToSign = SigV4Signer.chunkStringToSign(amzDate, scope, previousSignature,
                SigV4Signer.hex(chunkDigest.digest()));
        String expected = SigV4Signer.signature(signingKey, stringToSign);
        if (!SigV4Signer.signaturesEqual(expected, chunkSignature)) {
            throw new S3Exception(S3ErrorCode.SIGNATURE_DOES_NOT_MATCH)
                    .with("StringToSign", stringToSign).with("SignatureProvided", chunkSignature);
        }
        previousSignature = chunkSignature;
    }

    private void verifyTrailer() {
        if (trailerSignature == null) {
            throw new S3Exception(S3ErrorCode.SIGNATURE_DOES_NOT_MATCH, "The trailing headers are not signed");
        }
        String stringToSign = SigV4Signer.trailerStringToSign(amzDate, scope, previousSignature, trailers);
        String expected = SigV4Signer.signature(signingKey, stringToSign);
        if (!SigV4Signer.signaturesEqual(expected, trailerSignature)) {
            throw new S3Exception(S3ErrorCode.SIGNATURE_DOES_NOT_MATCH)
                    .with("StringToSign", stringToSign).with("SignatureProvided", trailerSignature);
        }
    }

    private static void expect(byte actual, char wanted) {
        if (actual != wanted) {
            throw framing("expected CRLF after chunk data");
        }
    }

    private static S3Exception framing(String detail) {
        return new S3Exception(S3ErrorCode.INCOMPLETE_BODY, "Malformed aws-chunked body: " + detail);
    }

    /** Encodes text for tests and diagnostics. */
    static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }
}
