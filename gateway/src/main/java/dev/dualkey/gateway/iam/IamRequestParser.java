package dev.dualkey.gateway.iam;

import dev.dualkey.gateway.iam.error.IamErrorCode;
import dev.dualkey.gateway.iam.error.IamException;
import dev.dualkey.gateway.iam.query.FormDecoder;
import dev.dualkey.gateway.iam.query.QueryParams;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Turns an HTTP request into IAM Query parameters: {@code GET /?Action=...} from the query string, or
 * {@code POST /} with an {@code application/x-www-form-urlencoded} body (parameters in the query string
 * of a POST are merged in; one name in both places is refused).
 */
public final class IamRequestParser {
    /**
     * Largest accepted form body. PolicyDocument may hold 131,072 characters, which can grow to three
     * times that when percent-encoded; the front door should aggregate IAM bodies with this cap.
     */
    public static final int MAX_BODY_BYTES = 512 * 1024;

    private IamRequestParser() {}

    public static QueryParams parse(String method, String contentType, String rawQuery, byte[] body) {
        Map<String, String> params = new LinkedHashMap<>();
        FormDecoder.decodeInto(rawQuery, params);
        if (body != null && body.length > 0) {
            if (body.length > MAX_BODY_BYTES) {
                throw new IamException(IamErrorCode.REQUEST_ENTITY_TOO_LARGE,
                        "Request body exceeds the maximum of " + MAX_BODY_BYTES + " bytes.");
            }
            if (!"POST".equalsIgnoreCase(method) || !isForm(contentType)) {
                throw new IamException(IamErrorCode.MALFORMED_QUERY_STRING,
                        "IAM requests carry their parameters in an application/x-www-form-urlencoded POST body.");
            }
            FormDecoder.decodeInto(utf8(body), params);
        }
        return new QueryParams(params);
    }

    /** Form bodies should be ASCII; raw UTF-8 is tolerated, anything else refused. */
    private static String utf8(byte[] body) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IamException(IamErrorCode.MALFORMED_QUERY_STRING, "The request is not valid UTF-8.");
        }
    }

    private static boolean isForm(String contentType) {
        if (contentType == null) {
            return false;
        }
        String mime = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return mime.equals("application/x-www-form-urlencoded");
    }
}
