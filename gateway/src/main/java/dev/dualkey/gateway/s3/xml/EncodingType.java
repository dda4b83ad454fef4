package dev.dualkey.gateway.s3.xml;

import dev.dualkey.gateway.auth.AwsUriEncoding;
import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;

/**
 * A listing's {@code encoding-type} parameter (ListObjects, ListObjectsV2, ListObjectVersions,
 * ListMultipartUploads; ListParts has none in S3's model). With {@code url}, every key-valued field the listing
 * writes (keys, prefixes, delimiters, key markers) is percent-encoded as SigV4 encodes paths, and
 * {@code <EncodingType>url</EncodingType>} is echoed, so a key holding characters that XML 1.0 cannot carry
 * reaches the client intact. Without it such characters are replaced by {@link XmlWriter} (see there).
 */
public final class EncodingType {
    private final boolean url;

    private EncodingType(boolean url) {
        this.url = url;
    }

    /**
     * @param value the raw {@code encoding-type} query value, or null when absent
     * @throws S3Exception InvalidArgument for anything but {@code url}, as S3 answers
     */
    public static EncodingType of(String value) {
        if (value == null) {
            return new EncodingType(false);
        }
        if (!value.equals("url")) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Invalid Encoding Method specified in Request")
                    .with("ArgumentName", "encoding-type").with("ArgumentValue", value);
        }
        return new EncodingType(true);
    }

    public boolean url() {
        return url;
    }

    /** A key-valued field as the listing writes it (null stays null). */
    public String apply(String s) {
        return s == null || !url ? s : AwsUriEncoding.encode(s, true);
    }

    /** Writes {@code <EncodingType>url</EncodingType>} when requested. */
    public void echo(XmlWriter w) {
        if (url) {
            w.element("EncodingType", "url");
        }
    }
}
