package dev.dualkey.gateway.iam.action;

import dev.dualkey.gateway.iam.error.IamErrorCode;
import dev.dualkey.gateway.iam.error.IamException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/**
 * One page of an IAM list ({@code Marker}/{@code MaxItems} in, {@code IsTruncated}/{@code Marker} out).
 *
 * <p>The marker is opaque to clients, as IAM's is: base64url of the sort key of the first item of the next
 * page. The items must already be sorted by that key, so a marker stays meaningful when items are added or
 * removed between calls.
 *
 * @param nextMarker {@code null} unless truncated
 */
public record Page<T>(List<T> items, boolean truncated, String nextMarker) {

    /** IAM's default {@code MaxItems}. */
    public static final int DEFAULT_MAX_ITEMS = 100;

    public static <T> Page<T> of(List<T> sorted, Function<T, String> sortKey, String marker, int maxItems) {
        int from = 0;
        if (marker != null) {
            String start = decode(marker);
            while (from < sorted.size() && sortKey.apply(sorted.get(from)).compareTo(start) < 0) {
                from++;
            }
        }
        int to = Math.min(sorted.size(), from + maxItems);
        boolean truncated = to < sorted.size();
        String next = truncated ? encode(sortKey.apply(sorted.get(to))) : null;
        return new Page<>(List.copyOf(sorted.subList(from, to)), truncated, next);
    }

    private static String encode(String key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String marker) {
        try {
            return new String(Base64.getUrlDecoder().decode(marker), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IamException(IamErrorCode.INVALID_INPUT, "Invalid Marker.");
        }
    }
}
