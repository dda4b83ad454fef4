package dev.dualkey.gateway.s3.multipart;

import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;

/**
 * The {@code partNumber} query parameter (UploadPart, UploadPartCopy, GetObject/HeadObject by part): plain ASCII
 * decimal 1-10000 without sign, leading zeros or whitespace. {@link Integer#parseInt} alone would also take
 * {@code +5}, {@code 05} and non-ASCII digits such as {@code ٥}, so two spellings would name one part.
 */
public final class PartNumber {
    public static final int MAX = 10_000;

    private PartNumber() {
    }

    /** @throws S3Exception InvalidArgument with S3's text for anything else (null included) */
    public static int parse(String value) {
        if (value != null && !value.isEmpty() && value.length() <= 5 && value.charAt(0) != '0') {
            int n = 0;
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c < '0' || c > '9') {
                    n = -1;
                    break;
                }
                n = n * 10 + (c - '0');
            }
            if (n >= 1 && n <= MAX) {
                return n;
            }
        }
        throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT,
                "Part number must be an integer between 1 and 10000, inclusive")
                .with("ArgumentName", "partNumber").with("ArgumentValue", value);
    }
}
