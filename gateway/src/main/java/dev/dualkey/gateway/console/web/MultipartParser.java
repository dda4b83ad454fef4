package dev.dualkey.gateway.console.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * A streaming {@code multipart/form-data} parser (RFC 7578 / RFC 2046 section 5.1) that never holds more than
 * one network chunk plus one delimiter in memory. Bytes are fed in order with {@link #feed}; events go to a
 * {@link Listener}. Part headers are capped at 8 KiB, the body is not limited here (the sink decides).
 *
 * <p>The first delimiter is {@code --boundary} at the very start; every later one is
 * {@code CRLF --boundary}. Starting the buffer with a virtual CRLF makes both the same search.
 */
public final class MultipartParser {
    /** Receives parts in order. */
    public interface Listener {
        /** A part begins; {@code fileName} is {@code null} for plain fields. */
        void partStart(String fieldName, String fileName, String contentType) throws IOException;

        /** Bytes of the current part. */
        void partData(byte[] buf, int off, int len) throws IOException;

        /** The current part ended. */
        void partEnd() throws IOException;
    }

    /** Thrown for a body that is not valid multipart/form-data. */
    public static final class MalformedMultipartException extends IOException {
        private static final long serialVersionUID = 1L;

        public MalformedMultipartException(String message) {
            super(message);
        }
    }

    private enum State { PREAMBLE, HEADERS, BODY, AFTER_DELIMITER, EPILOGUE }

    private static final int MAX_HEADERS = 8 * 1024;
    private static final byte[] HEADER_END = {'\r', '\n', '\r', '\n'};

    private final byte[] delimiter;
    private final Listener listener;
    private byte[] pending = {'\r', '\n'};
    private State state = State.PREAMBLE;

    public MultipartParser(String boundary, Listener listener) {
        if (boundary == null || boundary.isEmpty() || boundary.length() > 70) {
            throw new IllegalArgumentException("boundary must be 1..70 characters");
        }
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.US_ASCII);
        this.listener = listener;
    }

    /** Extracts the boundary parameter from a Content-Type header, or {@code null}. */
    public static String boundaryOf(String contentType) {
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            return null;
        }
        for (String param : contentType.split(";")) {
            String p = param.trim();
            if (p.toLowerCase(Locale.ROOT).startsWith("boundary=")) {
                String b = p.substring("boundary=".length());
                if (b.length() >= 2 && b.startsWith("\"") && b.endsWith("\"")) {
                    b = b.substring(1, b.length() - 1);
                }
                return b.isEmpty() ? null : b;
            }
        }
        return null;
    }

    /** Whether the closing delimiter has been seen. */
    public boolean isComplete() {
        return state == State.EPILOGUE;
    }

    /** Feeds the next bytes of the body. */
    public void feed(byte[] chunk, int off, int len) throws IOException {
        byte[] buf = new byte[pending.length + len];
        System.arraycopy(pending, 0, buf, 0, pending.length);
        System.arraycopy(chunk, off, buf, pending.length, len);
        int pos = 0;
        boolean progress = true;
        while (progress) {
            progress = false;
            switch (state) {
                case PREAMBLE, BODY -> {
                    int idx = indexOf(buf, pos, delimiter);
                    if (idx >= 0) {
                        if (state == State.BODY) {
                            emit(buf, pos, idx - pos);
                            listener.partEnd();
                        }
                        pos = idx + delimiter.length;
                        state = State.AFTER_DELIMITER;
                        progress = true;
                    } else {
                        // Keep a tail that could be the start of a delimiter split across chunks.
                        int safe = Math.max(pos, buf.length - (delimiter.length - 1));
                        if (state == State.BODY) {
                            emit(buf, pos, safe - pos);
                        }
                        pos = safe;
                    }
                }
                case AFTER_DELIMITER -> {
                    if (buf.length - pos >= 2) {
                        if (buf[pos] == '-' && buf[pos + 1] == '-') {
                            state = State.EPILOGUE;
                            pos = buf.length;
                        } else if (buf[pos] == '\r' && buf[pos + 1] == '\n') {
                            state = State.HEADERS;
                            pos += 2;
                            progress = true;
                        } else {
                            throw new MalformedMultipartException("bad bytes after a multipart delimiter");
                        }
                    }
                }
                case HEADERS -> {
                    int idx = indexOf(buf, pos, HEADER_END);
                    if (idx >= 0) {
                        startPart(new String(buf, pos, idx - pos, StandardCharsets.UTF_8));
                        pos = idx + HEADER_END.length;
                        state = State.BODY;
                        progress = true;
                    } else if (buf.length - pos > MAX_HEADERS) {
                        throw new MalformedMultipartException("multipart part headers too long");
                    }
                }
                case EPILOGUE -> pos = buf.length;
                default -> throw new IllegalStateException();
            }
        }
        pending = Arrays.copyOfRange(buf, pos, buf.length);
    }

    private void emit(byte[] buf, int off, int len) throws IOException {
        if (len > 0) {
            listener.partData(buf, off, len);
        }
    }

    private void startPart(String headerBlock) throws IOException {
        String name = null;
        String fileName = null;
        String contentType = "application/octet-stream";
        for (String line : headerBlock.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String hname = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            if (hname.equals("content-disposition")) {
                name = param(value, "name");
                fileName = param(value, "filename");
            } else if (hname.equals("content-type")) {
                contentType = value;
            }
        }
        if (name == null) {
            throw new MalformedMultipartException("multipart part without a field name");
        }
        listener.partStart(name, fileName, contentType);
    }

    /** Reads a quoted or bare parameter of Content-Disposition; browsers escape '"' as %22 in names. */
    static String param(String header, String wanted) {
        int i = header.indexOf(';');
        while (i >= 0 && i < header.length()) {
            int start = i + 1;
            while (start < header.length() && header.charAt(start) == ' ') {
                start++;
            }
            int eq = header.indexOf('=', start);
            if (eq < 0) {
                return null;
            }
            String key = header.substring(start, eq).trim().toLowerCase(Locale.ROOT);
            String value;
            int next;
            if (eq + 1 < header.length() && header.charAt(eq + 1) == '"') {
                int close = header.indexOf('"', eq + 2);
                if (close < 0) {
                    return null;
                }
                value = header.substring(eq + 2, close);
                next = header.indexOf(';', close);
            } else {
                next = header.indexOf(';', eq);
                value = header.substring(eq + 1, next < 0 ? header.length() : next).trim();
            }
            if (key.equals(wanted)) {
                return value.replace("%22", "\"").replace("%0D", "\r").replace("%0A", "\n");
            }
            i = next;
        }
        return null;
    }

    private static int indexOf(byte[] hay, int from, byte[] needle) {
        outer:
        for (int i = from; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
