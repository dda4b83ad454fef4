package dev.dualkey.gateway.warmup;

import dev.dualkey.gateway.auth.AwsUriEncoding;
import dev.dualkey.gateway.auth.SigV4Signer;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * One keep-alive HTTP/1.1 connection to the warm-up server that sends SigV4-signed S3 requests the way clients
 * do, so that the server compiles the paths real clients take: a payload signed by its SHA-256 (boto3, the CLI),
 * {@code UNSIGNED-PAYLOAD}, {@code aws-chunked} bodies with signed chunks and a signed CRC32 trailer after
 * {@code Expect: 100-continue} (the AWS SDK for Java v2 over HTTP), with unsigned chunks and a trailer (SDKs
 * over HTTPS), and presigned URLs (wrk, browsers, {@code aws s3 presign}).
 *
 * <p>Minimal by design: answers are read by {@code Content-Length} or chunked framing and thrown away; a
 * connection the server closes is opened again. Blocking sockets on the warm-up's own threads, never on an event
 * loop. Not thread-safe: one per driving thread.
 */
final class WarmUpClient implements AutoCloseable {
    /** How a request carries its payload and signature. */
    enum Signing {
        /** Authorization header; {@code x-amz-content-sha256} is the body's SHA-256. */
        PAYLOAD_HASH,
        /** Authorization header; {@code x-amz-content-sha256: UNSIGNED-PAYLOAD}. */
        UNSIGNED,
        /** {@code STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER}, {@code Expect: 100-continue}. */
        CHUNKED_SIGNED_TRAILER,
        /** {@code STREAMING-UNSIGNED-PAYLOAD-TRAILER}. */
        CHUNKED_UNSIGNED_TRAILER,
        /** Query-string authentication (a presigned URL), {@code UNSIGNED-PAYLOAD}. */
        PRESIGNED
    }

    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'",
            Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final byte[] CRLF = {'\r', '\n'};

    private final InetSocketAddress server;
    private final String host;
    private final String accessKeyId;
    private final String secretKey;
    private final String region;
    private final Clock clock;
    private String keyDate;
    private String keyService;
    private byte[] signingKey;
    /** The last answer's {@code x-amz-version-id}, or null. */
    private String lastVersionId;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    WarmUpClient(InetSocketAddress server, String accessKeyId, String secretKey, String region, Clock clock) {
        this.server = server;
        this.host = server.getHostString() + ":" + server.getPort();
        this.accessKeyId = accessKeyId;
        this.secretKey = secretKey;
        this.region = region;
        this.clock = clock;
    }

    /**
     * Sends one request and reads its answer whole.
     *
     * @param rawPath the path, already URI-encoded
     * @param query   query parameters, not encoded
     * @return the HTTP status of the answer
     */
    int send(String method, String rawPath, Map<String, String> query, byte[] body, Signing signing)
            throws IOException {
        return send("s3", region, method, rawPath, query, Map.of(), body, signing, null);
    }

    /**
     * {@link #send(String, String, Map, byte[], Signing)} with more headers, signed as SDKs sign them (every
     * {@code x-amz-*} header is signed), e.g. {@code x-amz-mfa}.
     */
    int send(String method, String rawPath, Map<String, String> query, Map<String, String> extraHeaders, byte[] body,
             Signing signing) throws IOException {
        return send("s3", region, method, rawPath, query, extraHeaders, body, signing, null);
    }

    /**
     * An IAM Query API call ({@code POST /}, a form body, signed for service {@code iam} in us-east-1 as the SDKs
     * sign for the global endpoint) on the same port.
     *
     * @param answer receives the answer's body
     * @return the HTTP status of the answer
     */
    int sendIam(String form, ByteArrayOutputStream answer) throws IOException {
        return send("iam", "us-east-1", "POST", "/", Map.of(),
                Map.of("content-type", "application/x-www-form-urlencoded; charset=utf-8"),
                form.getBytes(StandardCharsets.UTF_8), Signing.PAYLOAD_HASH, answer);
    }

    /** The {@code x-amz-version-id} of the last answer, or null. */
    String lastVersionId() {
        return lastVersionId;
    }

    private int send(String service, String signingRegion, String method, String rawPath, Map<String, String> query,
                     Map<String, String> extraHeaders, byte[] body, Signing signing, ByteArrayOutputStream answer)
            throws IOException {
        String amzDate = AMZ_DATE.format(clock.instant());
        String date = amzDate.substring(0, 8);
        if (!date.equals(keyDate) || !service.equals(keyService)) {
            signingKey = SigV4Signer.signingKey(secretKey, date, signingRegion, service);
            keyDate = date;
            keyService = service;
        }
        String scope = SigV4Signer.scope(date, signingRegion, service);
        Map<String, String> params = new TreeMap<>(query);
        Map<String, List<String>> headers = new TreeMap<>();
        headers.put("host", List.of(host));
        extraHeaders.forEach((name, value) -> headers.put(name.toLowerCase(Locale.ROOT), List.of(value)));
        byte[] wire = body;
        String payloadHash;
        boolean expectContinue = false;
        String crc = null;
        switch (signing) {
            case PAYLOAD_HASH -> payloadHash = SigV4Signer.hex(sha256(body));
            case UNSIGNED, PRESIGNED -> payloadHash = "UNSIGNED-PAYLOAD";
            case CHUNKED_SIGNED_TRAILER -> {
                payloadHash = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
                expectContinue = true;
            }
            case CHUNKED_UNSIGNED_TRAILER -> payloadHash = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
            default -> throw new IllegalArgumentException(signing.name());
        }
        if (signing == Signing.CHUNKED_SIGNED_TRAILER || signing == Signing.CHUNKED_UNSIGNED_TRAILER) {
            crc = crc32(body);
            headers.put("content-encoding", List.of("aws-chunked"));
            headers.put("x-amz-decoded-content-length", List.of(Integer.toString(body.length)));
            headers.put("x-amz-trailer", List.of("x-amz-checksum-crc32"));
            headers.put("x-amz-sdk-checksum-algorithm", List.of("CRC32"));
        }
        String signature;
        List<String> signed;
        if (signing == Signing.PRESIGNED) {
            params.put("X-Amz-Algorithm", SigV4Signer.ALGORITHM);
            params.put("X-Amz-Credential", accessKeyId + "/" + scope);
            params.put("X-Amz-Date", amzDate);
            params.put("X-Amz-Expires", "300");
            params.put("X-Amz-SignedHeaders", "host");
            signed = List.of("host");
        } else {
            headers.put("x-amz-content-sha256", List.of(payloadHash));
            headers.put("x-amz-date", List.of(amzDate));
            signed = new ArrayList<>(headers.keySet());
        }
        String canonical = SigV4Signer.canonicalRequest(method, SigV4Signer.canonicalUri(rawPath),
                SigV4Signer.canonicalQuery(new ArrayList<>(params.entrySet())),
                SigV4Signer.canonicalHeaders(headers, signed), signed, payloadHash);
        signature = SigV4Signer.signature(signingKey, SigV4Signer.stringToSign(amzDate, scope, canonical));
        if (signing == Signing.PRESIGNED) {
            params.put("X-Amz-Signature", signature);
        } else {
            headers.put("authorization", List.of(SigV4Signer.ALGORITHM + " Credential=" + accessKeyId + "/" + scope
                    + ", SignedHeaders=" + String.join(";", signed) + ", Signature=" + signature));
        }
        if (crc != null) {
            wire = chunked(body, crc, signing == Signing.CHUNKED_SIGNED_TRAILER ? signature : null, amzDate, scope);
        }
        StringBuilder head = new StringBuilder(512).append(method).append(' ').append(rawPath);
        char sep = '?';
        for (Map.Entry<String, String> p : params.entrySet()) {
            head.append(sep).append(AwsUriEncoding.encode(p.getKey(), false));
            if (!p.getValue().isEmpty()) {
                head.append('=').append(AwsUriEncoding.encode(p.getValue(), false));
            }
            sep = '&';
        }
        head.append(" HTTP/1.1\r\n");
        headers.forEach((name, values) -> head.append(name).append(": ").append(values.get(0)).append("\r\n"));
        if (wire.length > 0 || method.equals("PUT") || method.equals("POST")) {
            head.append("content-length: ").append(wire.length).append("\r\n");
        }
        if (expectContinue) {
            head.append("expect: 100-continue\r\n");
        }
        head.append("\r\n");
        return exchange(method, head.toString().getBytes(StandardCharsets.ISO_8859_1), wire, expectContinue, answer);
    }

    private int exchange(String method, byte[] head, byte[] body, boolean expectContinue, ByteArrayOutputStream answer)
            throws IOException {
        lastVersionId = null;
        if (socket == null) {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(30_000);
            socket.connect(server, 10_000);
            in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            out = socket.getOutputStream();
        }
        try {
            out.write(head);
            if (!expectContinue) {
                out.write(body);
            }
            out.flush();
            int status = readStatus();
            Map<String, String> headers = readHeaders();
            if (status == 100) {
                out.write(body);
                out.flush();
                status = readStatus();
                headers = readHeaders();
            } else if (expectContinue) {
                closeSocket(); // answered without the body: the connection's framing is unknown
                return status;
            }
            lastVersionId = headers.get("x-amz-version-id");
            readBody(method, status, headers, answer);
            if ("close".equalsIgnoreCase(headers.get("connection"))) {
                closeSocket();
            }
            return status;
        } catch (IOException | RuntimeException e) {
            closeSocket();
            throw e;
        }
    }

    private int readStatus() throws IOException {
        String line = readLine();
        if (line.length() < 12 || !line.startsWith("HTTP/1.1 ")) {
            throw new IOException("bad status line: " + line);
        }
        return Integer.parseInt(line.substring(9, 12));
    }

    private Map<String, String> readHeaders() throws IOException {
        Map<String, String> headers = new TreeMap<>();
        for (String line = readLine(); !line.isEmpty(); line = readLine()) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
        }
        return headers;
    }

    private void readBody(String method, int status, Map<String, String> headers, ByteArrayOutputStream answer)
            throws IOException {
        if (method.equals("HEAD") || status == 204 || status == 304) {
            return;
        }
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            while (true) {
                String size = readLine();
                int semi = size.indexOf(';');
                long n = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
                if (n == 0) {
                    while (!readLine().isEmpty()) {
                        // trailers
                    }
                    return;
                }
                skip(n, answer);
                readLine();
            }
        }
        String length = headers.get("content-length");
        if (length != null) {
            skip(Long.parseLong(length), answer);
        } else {
            throw new IOException("answer without a length");
        }
    }

    /** Reads {@code n} bytes of an answer's body into {@code answer}, or past them when it is null. */
    private void skip(long n, ByteArrayOutputStream answer) throws IOException {
        if (answer != null) {
            if (n > 1 << 20) {
                throw new IOException("answer too long to keep: " + n);
            }
            byte[] b = in.readNBytes((int) n);
            if (b.length < n) {
                throw new IOException("connection closed in an answer's body");
            }
            answer.write(b);
            return;
        }
        while (n > 0) {
            long s = in.skip(n);
            if (s <= 0) {
                if (in.read() < 0) {
                    throw new IOException("connection closed in an answer's body");
                }
                s = 1;
            }
            n -= s;
        }
    }

    private String readLine() throws IOException {
        StringBuilder sb = new StringBuilder(64);
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("connection closed");
            }
            if (c == '\n') {
                int len = sb.length();
                return len > 0 && sb.charAt(len - 1) == '\r' ? sb.substring(0, len - 1) : sb.toString();
            }
            if (sb.length() > 16 * 1024) {
                throw new IOException("line too long");
            }
            sb.append((char) c);
        }
    }

    /** The aws-chunked encoding of {@code body}: one data chunk, the final chunk, the CRC32 trailer. */
    private byte[] chunked(byte[] body, String crc, String seedSignature, String amzDate, String scope)
            throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(body.length + 512);
        String trailer = "x-amz-checksum-crc32:" + crc;
        if (seedSignature == null) {
            b.write((Integer.toHexString(body.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            b.write(body);
            b.write(("\r\n0\r\n" + trailer + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return b.toByteArray();
        }
        String chunkSig = SigV4Signer.signature(signingKey, SigV4Signer.chunkStringToSign(amzDate, scope,
                seedSignature, SigV4Signer.hex(sha256(body))));
        String finalSig = SigV4Signer.signature(signingKey, SigV4Signer.chunkStringToSign(amzDate, scope, chunkSig,
                SigV4Signer.EMPTY_SHA256));
        String trailerSig = SigV4Signer.signature(signingKey, SigV4Signer.trailerStringToSign(amzDate, scope,
                finalSig, Map.of("x-amz-checksum-crc32", crc)));
        b.write((Integer.toHexString(body.length) + ";chunk-signature=" + chunkSig + "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        b.write(body);
        b.write(CRLF);
        b.write(("0;chunk-signature=" + finalSig + "\r\n" + trailer + "\r\nx-amz-trailer-signature:" + trailerSig
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        return b.toByteArray();
    }

    private static byte[] sha256(byte[] body) {
        MessageDigest md = SigV4Signer.sha256();
        return md.digest(body);
    }

    private static String crc32(byte[] body) {
        CRC32 c = new CRC32();
        c.update(body);
        long v = c.getValue();
        return Base64.getEncoder().encodeToString(new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8),
                (byte) v});
    }

    private void closeSocket() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing a loopback socket of our own; nothing to do
            }
            socket = null;
        }
    }

    @Override
    public void close() {
        closeSocket();
    }
}
