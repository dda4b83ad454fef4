package dev.dualkey.storage;

import dev.dualkey.storage.error.InvalidArgumentException;
import dev.dualkey.storage.error.InvalidBucketNameException;
import dev.dualkey.storage.error.KeyTooLongException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/** S3's general purpose bucket naming rules and object key limits, shared by every ObjectStore implementation. */
public final class BucketNames {
    private static final Pattern IP_FORM = Pattern.compile("^\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}$");
    /** S3's maximum key length in UTF-8 bytes. */
    public static final int MAX_KEY_BYTES = 1024;

    private BucketNames() {
    }

    /**
     * Checks: 3-63 characters of lower-case letters, digits, dots and hyphens; starts and ends with a letter or
     * digit; no two adjacent dots; not an IPv4 address; not one of the reserved prefixes ({@code xn--},
     * {@code sthree-}, {@code amzn-s3-demo-}) or suffixes ({@code -s3alias}, {@code --ol-s3}, {@code .mrap},
     * {@code --x-s3}, {@code --table-s3}).
     *
     * @throws InvalidBucketNameException naming the broken rule
     */
    public static void validate(String name) {
        if (name == null || name.length() < 3 || name.length() > 63) {
            throw new InvalidBucketNameException("Bucket name must be between 3 and 63 characters long");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-')) {
                throw new InvalidBucketNameException(
                        "Bucket name can contain only lowercase letters, numbers, dots and hyphens");
            }
        }
        if (!Character.isLetterOrDigit(name.charAt(0)) || !Character.isLetterOrDigit(name.charAt(name.length() - 1))) {
            throw new InvalidBucketNameException("Bucket name must begin and end with a letter or number");
        }
        if (name.contains("..")) {
            throw new InvalidBucketNameException("Bucket name must not contain two adjacent periods");
        }
        if (IP_FORM.matcher(name).matches()) {
            throw new InvalidBucketNameException("Bucket name must not be formatted as an IP address");
        }
        for (String p : new String[] {"xn--", "sthree-", "amzn-s3-demo-"}) {
            if (name.startsWith(p)) {
                throw new InvalidBucketNameException("Bucket name must not start with " + p);
            }
        }
        for (String s : new String[] {"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"}) {
            if (name.endsWith(s)) {
                throw new InvalidBucketNameException("Bucket name must not end with " + s);
            }
        }
    }

    /**
     * Object keys: non-empty, at most {@link #MAX_KEY_BYTES} UTF-8 bytes.
     *
     * @throws KeyTooLongException      when longer
     * @throws InvalidArgumentException when empty or not valid Unicode (unpaired surrogates)
     */
    public static void validateKey(String key) {
        if (key == null || key.isEmpty()) {
            throw new InvalidArgumentException("object key must not be empty");
        }
        byte[] b = key.getBytes(StandardCharsets.UTF_8);
        if (b.length > MAX_KEY_BYTES) {
            throw new KeyTooLongException("Your key is too long: " + b.length + " bytes (max " + MAX_KEY_BYTES + ")");
        }
        if (!new String(b, StandardCharsets.UTF_8).equals(key)) {
            throw new InvalidArgumentException("object key is not valid Unicode");
        }
    }
}
