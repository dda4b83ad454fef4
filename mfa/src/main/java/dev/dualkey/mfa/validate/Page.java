package dev.dualkey.mfa.validate;

import dev.dualkey.mfa.error.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * One page of an IAM listing ({@code IsTruncated} + {@code Marker}). The marker is opaque to clients: base64url
 * of the last returned item's sort key; the next page starts strictly after it.
 */
public record Page<T>(List<T> items, boolean truncated, String marker) {
    public Page {
        items = List.copyOf(items);
    }

    public static String encodeMarker(String sortKey) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(sortKey.getBytes(StandardCharsets.UTF_8));
    }

    /** The sort key inside {@code marker}, or null for the first page. */
    public static String decodeMarker(String marker) {
        if (marker == null) {
            return null;
        }
        if (marker.isEmpty() || marker.length() > 320) {
            throw new InvalidInputException("Invalid Marker.");
        }
        try {
            return new String(Base64.getUrlDecoder().decode(marker), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("Invalid Marker.");
        }
    }

    /**
     * Pages an already sorted list of {@code (sortKey, item)} candidates: items after {@code marker}, at most
     * {@code maxItems}.
     */
    public static <T> Page<T> of(List<T> sorted, java.util.function.Function<T, String> sortKey, String marker,
                                 int maxItems) {
        String after = decodeMarker(marker);
        List<T> rest = after == null ? sorted
                : sorted.stream().filter(t -> sortKey.apply(t).compareTo(after) > 0).toList();
        if (rest.size() <= maxItems) {
            return new Page<>(rest, false, null);
        }
        List<T> page = rest.subList(0, maxItems);
        return new Page<>(page, true, encodeMarker(sortKey.apply(page.get(page.size() - 1))));
    }
}
