package dev.dualkey.gateway.s3.error;

import dev.dualkey.gateway.http.Reply;
import dev.dualkey.gateway.s3.xml.XmlWriter;
import java.util.Map;

/**
 * Renders an {@link S3Exception} as S3 does:
 * {@code <Error><Code/><Message/>[extras...]<Resource/><RequestId/><HostId/></Error>} with the error's status.
 * HEAD responses carry no body (the front door drops it), but keep the status and headers.
 */
public final class S3ErrorWriter {
    private S3ErrorWriter() {
    }

    /**
     * @param resource the request path (S3's {@code <Resource>}), or null
     */
    public static Reply render(S3Exception e, String resource, String requestId, String hostId) {
        XmlWriter w = XmlWriter.plain("Error")
                .element("Code", e.error().code())
                .element("Message", e.getMessage());
        for (Map.Entry<String, String> x : e.extras().entrySet()) {
            w.element(x.getKey(), x.getValue());
        }
        w.element("Resource", resource).element("RequestId", requestId).element("HostId", hostId);
        Reply reply = Reply.status(e.error().httpStatus()).body(w.toBytes(), "application/xml");
        e.headers().forEach(reply::header);
        return reply;
    }
}
