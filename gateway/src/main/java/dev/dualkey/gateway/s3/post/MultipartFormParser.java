package dev.dualkey.gateway.s3.post;

import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A streaming {@code multipart/form-data} parser (RFC 7578) for POST Object. Fields before the file are collected
 * (at most {@link #MAX_PRE_DATA} bytes of form data and boundaries, as S3 allows); the file part's content is
 * handed on in slices as it arrives, holding back only the few bytes that could begin the next delimiter, so
 * memory stays bounded whatever the file size. Parts after the file are ignored (S3: "Any fields below it are
 * ignored").
 *
 * <pre>
 * body      = [preamble] "--" boundary CRLF part *(CRLF "--" boundary CRLF part) CRLF "--" boundary "--" [epilogue]
 * part      = headers CRLF content        (Content-Disposition: form-data; name="..."[; filename="..."])
 * delimiter = CRLF "--" boundary          (the parser starts as if a CRLF preceded the body)
 * </pre>
 *
 * Not thread-safe; one instance per request.
 */
final class MultipartFormParser {
    /** S3: "The form data and boundaries (excluding the contents of the file) cannot exceed 20 KB." */
    static final int MAX_PRE_DATA = 20 * 1024;
    private static final byte[] CRLFCRLF = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** What the parser found. */
    interface Handler {
        /** A whole field before the file. */
        void field(String name, String value);

        /** The file part begins: every field before it has been given. */
        void fileStart(String filename);

        /** A slice of the file's content, valid during the call only. */
        void fileData(ByteBuffer data);

        /** The file part ended. */
        void fileEnd();
    }

    private enum State { PREAMBLE, AFTER_DELIMITER, HEADERS, FIELD, FILE, IGNORE }

    private final byte[] delimiter;
    private final Handler handler;
    private byte[] buf = new byte[8192];
    private int start;
    private int end;
    /** Stream offset of {@code buf[start]} (bytes consumed so far, the virtual leading CRLF included). */
    private long consumed;
    private State state = State.PREAMBLE;
    private String fieldName;
    private boolean fileSeen;
    private boolean closed;

    MultipartFormParser(String boundary, Handler handler) {
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        this.handler = handler;
        buf[0] = '\r';
        buf[1] = '\n';
        end = 2;
    }

    /** The boundary parameter of a {@code multipart/form-data} Content-Type, or null when it is not one. */
    static String boundary(String contentType) {
        if (contentType == null) {
            return null;
        }
        String[] parts = contentType.split(";");
        if (!parts[0].trim().equalsIgnoreCase("multipart/form-data")) {
            return null;
        }
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            if (p.regionMatches(true, 0, "boundary=", 0, 9)) {
                String b = p.substring(9).trim();
                if (b.length() >= 2 && b.startsWith("\"") && b.endsWith("\"")) {
                    b = b.substring(1, b.length() - 1);
                }
                return b.isEmpty() || b.length() > 70 ? null : b;
            }
        }
        return null;
    }

    /** Consumes one piece of the body. */
    void feed(ByteBuffer in) {
        if (state == State.IGNORE) {
            in.position(in.limit());
            return;
        }
        append(in);
        process();
    }

    /** The body ended: the file must have been seen whole. */
    void finish() {
        if (state == State.IGNORE && fileSeen) {
            return;
        }
        if (!fileSeen) {
            if (state == State.PREAMBLE && consumed == 0 && end - start <= 2) {
                throw malformed(); // not even a first boundary
            }
            throw new S3Exception(S3ErrorCode.INCORRECT_NUMBER_OF_FILES_IN_POST_REQUEST);
        }
        throw malformed(); // the file part never ended
    }

    boolean fileSeen() {
        return fileSeen;
    }

    private void append(ByteBuffer in) {
        int n = in.remaining();
        if (end + n > buf.length) {
            int live = end - start;
            byte[] target = live + n > buf.length ? new byte[Math.max(buf.length * 2, live + n)] : buf;
            System.arraycopy(buf, start, target, 0, live);
            buf = target;
            start = 0;
            end = live;
        }
        in.get(buf, end, n);
        end += n;
    }

    private void advance(int to) {
        consumed += to - start;
        start = to;
    }

    private void process() {
        while (true) {
            switch (state) {
                case PREAMBLE, FIELD, FILE -> {
                    int idx = indexOf(delimiter, start);
                    if (idx < 0) {
                        int keep = delimiter.length - 1;
                        if (state == State.FILE) {
                            int emit = end - start - keep;
                            if (emit > 0) {
                                handler.fileData(ByteBuffer.wrap(buf, start, emit));
                                advance(start + emit);
                            }
                        } else {
                            if (state == State.PREAMBLE && end - start > keep) {
                                advance(end - keep);
                            }
                            checkPreData(consumed + (end - start));
                        }
                        return;
                    }
                    if (state == State.FILE) {
                        if (idx > start) {
                            handler.fileData(ByteBuffer.wrap(buf, start, idx - start));
                        }
                        handler.fileEnd();
                        state = State.IGNORE;
                        start = end;
                        return;
                    }
                    if (state == State.FIELD) {
                        handler.field(fieldName, new String(buf, start, idx - start, StandardCharsets.UTF_8));
                    }
                    advance(idx + delimiter.length);
                    checkPreData(consumed);
                    state = State.AFTER_DELIMITER;
                }
                case AFTER_DELIMITER -> {
                    if (end - start < 2) {
                        return;
                    }
                    if (buf[start] == '-' && buf[start + 1] == '-') {
                        state = State.IGNORE; // the closing delimiter
                        start = end;
                        return;
                    }
                    int crlf = indexOf(new byte[] {'\r', '\n'}, start);
                    if (crlf < 0) {
                        checkPreData(consumed + (end - start));
                        return;
                    }
                    for (int i = start; i < crlf; i++) {
                        if (buf[i] != ' ' && buf[i] != '\t') {
                            throw malformed();
                        }
                    }
                    advance(crlf + 2);
                    state = State.HEADERS;
                }
                case HEADERS -> {
                    int blank = start + 2 <= end && buf[start] == '\r' && buf[start + 1] == '\n' ? start
                            : indexOf(CRLFCRLF, start);
                    if (blank < 0) {
                        checkPreData(consumed + (end - start));
                        return;
                    }
                    String headers = new String(buf, start, blank - start, StandardCharsets.UTF_8);
                    advance(blank == start ? start + 2 : blank + 4);
                    checkPreData(consumed);
                    part(headers);
                }
                case IGNORE -> {
                    start = end;
                    return;
                }
                default -> throw new IllegalStateException(state.name());
            }
        }
    }

    private void part(String headers) {
        String name = null;
        String filename = null;
        for (String line : headers.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0 || !line.substring(0, colon).trim().equalsIgnoreCase("Content-Disposition")) {
                continue;
            }
            String[] params = line.substring(colon + 1).split(";");
            if (!params[0].trim().equalsIgnoreCase("form-data")) {
                throw malformed();
            }
            for (int i = 1; i < params.length; i++) {
                String p = params[i].trim();
                int eq = p.indexOf('=');
                if (eq <= 0) {
                    continue;
                }
                String k = p.substring(0, eq).trim().toLowerCase(Locale.ROOT);
                String v = p.substring(eq + 1).trim();
                if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                    v = v.substring(1, v.length() - 1);
                }
                if (k.equals("name")) {
                    name = v;
                } else if (k.equals("filename")) {
                    filename = v;
                }
            }
        }
        if (name == null) {
            throw malformed();
        }
        if (name.equalsIgnoreCase("file")) {
            fileSeen = true;
            handler.fileStart(filename == null ? "" : filename);
            state = State.FILE;
        } else {
            fieldName = name;
            state = State.FIELD;
        }
    }

    private void checkPreData(long bytes) {
        if (bytes - 2 > MAX_PRE_DATA) { // the virtual leading CRLF is not the client's
            throw new S3Exception(S3ErrorCode.MAX_POST_PRE_DATA_LENGTH_EXCEEDED)
                    .with("MaxPostPreDataLengthBytes", Integer.toString(MAX_PRE_DATA));
        }
    }

    private int indexOf(byte[] needle, int from) {
        int last = end - needle.length;
        byte first = needle[0];
        outer:
        for (int i = from; i <= last; i++) {
            if (buf[i] != first) {
                continue;
            }
            for (int j = 1; j < needle.length; j++) {
                if (buf[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static S3Exception malformed() {
        return new S3Exception(S3ErrorCode.MALFORMED_POST_REQUEST);
    }
}
