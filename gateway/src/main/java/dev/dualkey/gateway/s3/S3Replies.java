package dev.dualkey.gateway.s3;

import dev.dualkey.gateway.http.HttpDates;
import dev.dualkey.gateway.http.Reply;
import dev.dualkey.gateway.identity.CanonicalIds;
import dev.dualkey.gateway.s3.xml.XmlWriter;
import java.time.Instant;

/** Small helpers shared by the operation handlers for building S3 replies. */
public final class S3Replies {
    private S3Replies() {
    }

    /** 200 with an XML document. */
    public static Reply xml(XmlWriter doc) {
        return Reply.status(200).body(doc.toBytes(), "application/xml");
    }

    /**
     * 200 with an XML document sent in its writer's chunks, not joined into one array first: for the listings,
     * whose pages of 1000 entries are hundreds of KB (issue 19). The same bytes on the wire as {@link #xml}.
     */
    public static Reply xmlInParts(XmlWriter doc) {
        return Reply.status(200).body(doc.toByteBuffers(), "application/xml");
    }

    /** 204 No Content. */
    public static Reply noContent() {
        return Reply.status(204);
    }

    /** An HTTP date (IMF-fixdate, {@link HttpDates}), as in {@code Last-Modified}. */
    public static String httpDate(Instant t) {
        return HttpDates.format(t);
    }
}
