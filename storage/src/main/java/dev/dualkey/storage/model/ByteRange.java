package dev.dualkey.storage.model;

import dev.dualkey.storage.error.InvalidRangeException;

/**
 * A single HTTP byte range as S3 accepts it: {@code bytes=first-last}, {@code bytes=first-} or
 * {@code bytes=-suffixLength}. Resolve it against an object size with {@link #resolve(long)}.
 *
 * @param first        first byte offset, or -1 for a suffix range
 * @param last         last byte offset inclusive, or -1 for open-ended / suffix ranges
 * @param suffixLength length of a suffix range, or -1
 */
public record ByteRange(long first, long last, long suffixLength) {
    public ByteRange {
        boolean fromTo = first >= 0 && last >= first && suffixLength == -1;
        boolean from = first >= 0 && last == -1 && suffixLength == -1;
        boolean suffix = first == -1 && last == -1 && suffixLength >= 0;
        if (!(fromTo || from || suffix)) {
            throw new IllegalArgumentException("not a valid byte range: " + first + "-" + last + "/" + suffixLength);
        }
    }

    /** {@code bytes=first-last}, both inclusive. */
    public static ByteRange fromTo(long first, long last) {
        return new ByteRange(first, last, -1);
    }

    /** {@code bytes=first-}. */
    public static ByteRange from(long first) {
        return new ByteRange(first, -1, -1);
    }

    /** {@code bytes=-n}: the last n bytes. */
    public static ByteRange suffix(long n) {
        return new ByteRange(-1, -1, n);
    }

    /**
     * Parses one range of a {@code Range} header value such as {@code bytes=0-99}.
     *
     * @throws IllegalArgumentException when the syntax is not a single byte range (S3 then ignores the header)
     */
    public static ByteRange parse(String header) {
        String h = header.trim();
        if (!h.startsWith("bytes=") || h.indexOf(',') >= 0) {
            throw new IllegalArgumentException("unsupported range: " + header);
        }
        String spec = h.substring(6).trim();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            throw new IllegalArgumentException("unsupported range: " + header);
        }
        try {
            String a = spec.substring(0, dash).trim();
            String b = spec.substring(dash + 1).trim();
            if (a.isEmpty()) {
                return suffix(Long.parseLong(b));
            }
            if (b.isEmpty()) {
                return from(Long.parseLong(a));
            }
            return fromTo(Long.parseLong(a), Long.parseLong(b));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("unsupported range: " + header, e);
        }
    }

    /**
     * The {@code [offset, offset+length)} this range selects in an object of {@code size} bytes, clipped to the
     * end as HTTP requires.
     *
     * @return {offset, length}
     * @throws InvalidRangeException when the range starts at or after the end (or is an empty suffix)
     */
    public long[] resolve(long size) {
        if (suffixLength >= 0) {
            if (suffixLength == 0 || size == 0) {
                throw new InvalidRangeException("suffix range " + suffixLength + " of a " + size + "-byte object");
            }
            long n = Math.min(suffixLength, size);
            return new long[] {size - n, n};
        }
        if (first >= size) {
            throw new InvalidRangeException("range starts at " + first + " but the object has " + size + " bytes");
        }
        long end = last == -1 ? size - 1 : Math.min(last, size - 1);
        return new long[] {first, end - first + 1};
    }
}
