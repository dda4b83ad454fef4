package dev.dualkey.compat.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One request per connection over a plain socket, so that any byte can be sent. The response is read by its
 * framing (Content-Length, chunked, or to EOF), skipping interim 1xx answers; bodies are read up to 16 MiB.
 */
final class RawHttp {
    /** The connection closed before a status line. */
    static final int NO_ANSWER = -1;
    /** No status line within the timeout. */
    static final int TIMEOUT = -2;
    private static final int MAX_BODY = 16 << 20;

    private RawHttp() {
    }

    /** Status and head of an answer ({@link #NO_ANSWER} or {@link #TIMEOUT} in {@code status} otherwise). */
    record Answer(int status, String head, byte[] body) {
    }

    /**
     * Sends {@code request}; when {@code halfClose}, shuts down output after it (for broken framing, so the
     * server sees the end instead of waiting for bytes that never come).
     */
    static Answer exchange(int port, byte[] request, boolean halfClose, boolean head, int timeoutMillis) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), timeoutMillis);
            s.setSoTimeout(timeoutMillis);
            OutputStream out = s.getOutputStream();
            try {
                out.write(request);
                out.flush();
                if (halfClose) {
                    s.shutdownOutput();
                }
            } catch (IOException e) {
                // the server may answer and close before reading everything (a refused huge head): read on
            }
            InputStream in = s.getInputStream();
            while (true) {
                String headText = readHead(in);
                if (headText == null) {
                    return new Answer(NO_ANSWER, "", new byte[0]);
                }
                int status = parseStatus(headText);
                if (status >= 100 && status < 200 && status != 101) {
                    continue; // 100 Continue: the final answer follows
                }
                byte[] body = head || status == 204 || status == 304 ? new byte[0] : readBody(in, headText);
                return new Answer(status, headText, body);
            }
        } catch (SocketTimeoutException e) {
            return new Answer(TIMEOUT, "", new byte[0]);
        } catch (IOException e) {
            return new Answer(NO_ANSWER, e.toString(), new byte[0]);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int state = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                return buf.size() == 0 ? null : buf.toString(StandardCharsets.ISO_8859_1);
            }
            buf.write(b);
            // end of head: \r\n\r\n
            state = (b == '\r' && (state == 0 || state == 2)) ? state + 1
                    : (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
            if (state == 4) {
                return buf.toString(StandardCharsets.ISO_8859_1);
            }
            if (buf.size() > 1 << 20) {
                throw new IOException("response head over 1 MiB");
            }
        }
    }

    private static int parseStatus(String head) {
        // HTTP/1.1 200 OK
        String[] parts = head.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            return NO_ANSWER;
        }
        try {
            return Integer.parseInt(parts[1].trim());
        } catch (NumberFormatException e) {
            return NO_ANSWER;
        }
    }

    private static String headerValue(String head, String name) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    private static byte[] readBody(InputStream in, String head) throws IOException {
        String length = headerValue(head, "Content-Length");
        String coding = headerValue(head, "Transfer-Encoding");
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (coding != null && coding.toLowerCase(Locale.ROOT).contains("chunked")) {
            while (true) {
                String line = readLine(in);
                if (line == null) {
                    return body.toByteArray();
                }
                int size = Integer.parseInt(line.split(";")[0].trim(), 16);
                if (size == 0) {
                    readLine(in);
                    return body.toByteArray();
                }
                copy(in, body, size);
                readLine(in);
            }
        }
        if (length != null) {
            copy(in, body, (int) Math.min(Long.parseLong(length), MAX_BODY));
            return body.toByteArray();
        }
        byte[] chunk = new byte[8192];
        for (int n; (n = in.read(chunk)) > 0 && body.size() < MAX_BODY; ) {
            body.write(chunk, 0, n);
        }
        return body.toByteArray();
    }

    private static void copy(InputStream in, ByteArrayOutputStream out, int n) throws IOException {
        byte[] chunk = new byte[8192];
        while (n > 0) {
            int r = in.read(chunk, 0, Math.min(chunk.length, n));
            if (r < 0) {
                return;
            }
            out.write(chunk, 0, r);
            n -= r;
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int b; (b = in.read()) >= 0; ) {
            if (b == '\n') {
                return sb.toString().trim();
            }
            sb.append((char) b);
        }
        return sb.length() == 0 ? null : sb.toString();
    }
}
