package dev.dualkey.gateway.iam.query;

import dev.dualkey.gateway.iam.error.IamErrorCode;
import dev.dualkey.gateway.iam.error.IamException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Strict decoder for {@code application/x-www-form-urlencoded} text (a POST body or a GET query string).
 *
 * <p>Pairs are separated by {@code &}; a pair without {@code =} has the empty value; {@code +} is a space;
 * {@code %XX} escapes must be complete and the decoded bytes valid UTF-8. Anything else is refused with
 * {@code MalformedQueryString} rather than guessed at. A name given twice is refused too: botocore never
 * does it, and accepting it would let two parts of a signed request disagree about a parameter.
 */
public final class FormDecoder {
    /** More pairs than any IAM action takes (50 tags = 100 pairs) with generous headroom. */
    public static final int MAX_PARAMETERS = 500;

    private FormDecoder() {}

    /** Decodes {@code form} and adds its pairs to {@code into}. */
    public static void decodeInto(String form, Map<String, String> into) {
        if (form == null || form.isEmpty()) {
            return;
        }
        int start = 0;
        while (start <= form.length()) {
            int amp = form.indexOf('&', start);
            int end = amp < 0 ? form.length() : amp;
            if (end > start) {
                String pair = form.substring(start, end);
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                if (name.isEmpty()) {
                    throw malformed("A parameter name is empty.");
                }
                if (into.putIfAbsent(name, value) != null) {
                    throw malformed("Duplicate parameter in the request.");
                }
                if (into.size() > MAX_PARAMETERS) {
                    throw malformed("Too many parameters in the request.");
                }
            }
            if (amp < 0) {
                break;
            }
            start = amp + 1;
        }
    }

    public static Map<String, String> decode(String form, Map<String, String> base) {
        Map<String, String> params = new LinkedHashMap<>(base);
        decodeInto(form, params);
        return params;
    }

    static String decode(String s) {
        if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
            return s;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '+') {
                bytes.write(' ');
            } else if (c == '%') {
                if (i + 2 >= s.length()) {
                    throw malformed("Incomplete percent-encoding in the request.");
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw malformed("Invalid percent-encoding in the request.");
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else {
                byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
                    utf8 = s.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                bytes.writeBytes(utf8);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw malformed("The request is not valid UTF-8.");
        }
    }

    private static IamException malformed(String message) {
        return new IamException(IamErrorCode.MALFORMED_QUERY_STRING, message);
    }
}
