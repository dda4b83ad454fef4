package dev.dualkey.gateway.s3.logging;

import dev.dualkey.gateway.auth.AuthResult;
import dev.dualkey.gateway.auth.Principal;
import dev.dualkey.gateway.http.Exchange;
import dev.dualkey.gateway.http.Reply;
import dev.dualkey.gateway.http.RequestHead;
import dev.dualkey.gateway.s3.S3Operation;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns S3 requests into {@link AccessLogRecord}s for the {@link AccessLog}: the endpoint calls
 * {@link #started} once a request is authenticated and routed, wraps its exchange ({@link #wrap}) so the answer is
 * recorded, and reports failures ({@link #failed}, also for requests refused before they were begun). Nothing here
 * blocks or reads storage (failures are reported on the event loop).
 */
public final class RequestRecorder {
    /** More requests in flight than this and new ones are not recorded (a leak can never grow without bound). */
    private static final int MAX_IN_FLIGHT = 100_000;

    private final AccessLog log;
    private final Clock clock;
    private final Map<String, Started> inFlight = new ConcurrentHashMap<>();

    private record Started(Instant time, long nanos, String bucket, String key, S3Operation operation,
                           String requester, boolean presigned) {
    }

    public RequestRecorder(AccessLog log, Clock clock) {
        this.log = Objects.requireNonNull(log, "log");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A request was authenticated and routed. */
    public void started(RequestHead head, String bucket, String key, S3Operation operation, AuthResult auth) {
        if (bucket == null || !log.wanted(bucket) || inFlight.size() >= MAX_IN_FLIGHT) {
            return;
        }
        // putIfAbsent: a GET tried on the event loop that fell back to the executor starts twice; it is one request,
        // recorded once, timed from its first start
        inFlight.putIfAbsent(head.requestId(), new Started(clock.instant(), System.nanoTime(), bucket, key, operation,
                requester(auth == null ? null : auth.principal()),
                auth != null && auth.signature() != null && auth.signature().presigned()));
    }

    /** The exchange, reporting its answer; the identity when the request is not recorded. */
    public Exchange wrap(Exchange exchange, RequestHead head) {
        if (!inFlight.containsKey(head.requestId())) {
            return exchange;
        }
        if (exchange instanceof Exchange.Aggregated agg) {
            return new Exchange.Aggregated() {
                @Override
                public long maxBodyBytes() {
                    return agg.maxBodyBytes();
                }

                @Override
                public Reply complete(byte[] body) {
                    Reply r = agg.complete(body);
                    answered(head, r, null);
                    return r;
                }

                @Override
                public void abort() {
                    inFlight.remove(head.requestId());
                    agg.abort();
                }
            };
        }
        Exchange.Streaming s = (Exchange.Streaming) exchange;
        return new Exchange.Streaming() {
            @Override
            public void onData(ByteBuffer data) {
                s.onData(data);
            }

            @Override
            public Reply finish() {
                Reply r = s.finish();
                answered(head, r, null);
                return r;
            }

            @Override
            public void abort() {
                inFlight.remove(head.requestId());
                s.abort();
            }
        };
    }

    /** A request failed with {@code reply} (an error document) and S3 error code {@code code}. */
    public void failed(RequestHead head, String bucket, String key, S3Operation operation, Reply reply,
                       String code) {
        if (head == null) {
            return;
        }
        if (!inFlight.containsKey(head.requestId())) {
            if (bucket == null || !log.wanted(bucket)) {
                return;
            }
            inFlight.put(head.requestId(), new Started(clock.instant(), System.nanoTime(), bucket, key, operation,
                    null, head.queryParam("X-Amz-Signature") != null));
        }
        answered(head, reply, code);
    }

    private void answered(RequestHead head, Reply reply, String errorCode) {
        Started s = inFlight.remove(head.requestId());
        if (s == null) {
            return;
        }
        long total = (System.nanoTime() - s.nanos()) / 1_000_000;
        long bytesSent = head.isHead() ? 0 : reply.streamedBody() != null ? reply.streamedBody().length()
                : reply.body() == null ? 0 : reply.body().length;
        String uri = head.method().name() + " " + head.rawPath()
                + (head.rawQuery().isEmpty() ? "" : "?" + head.rawQuery()) + " HTTP/1.1";
        String versionId = reply.headers().get("x-amz-version-id");
        boolean signed = head.header("Authorization") != null;
        log.record(new AccessLogRecord(null, s.bucket(), s.time(), head.clientAddress(), s.requester(),
                head.requestId(), operationName(head, s.operation(), s.key()), s.key(), uri, reply.status(),
                errorCode, bytesSent, objectSize(head, reply, bytesSent), total, total, head.header("Referer"),
                head.header("User-Agent"), versionId, head.hostId(), signed || s.presigned() ? "SigV4" : null,
                null, signed ? "AuthHeader" : s.presigned() ? "QueryString" : null, head.header("Host"),
                null));
    }

    private static long objectSize(RequestHead head, Reply reply, long bytesSent) {
        String method = head.method().name();
        if (method.equals("PUT")) {
            String decoded = head.header("x-amz-decoded-content-length");
            try {
                return decoded != null ? Long.parseLong(decoded.trim()) : Math.max(0, head.contentLength());
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        String range = reply.headers().get("Content-Range");
        if (range != null && range.indexOf('/') > 0) {
            try {
                return Long.parseLong(range.substring(range.indexOf('/') + 1).trim());
            } catch (NumberFormatException ignored) {
                return bytesSent;
            }
        }
        if (head.isHead()) {
            String length = reply.headers().get("Content-Length");
            try {
                return length == null ? 0 : Long.parseLong(length);
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return method.equals("GET") && reply.headers().get("ETag") != null ? bytesSent : 0;
    }

    /** Canonical id of an account's root, the ARN of an IAM user or session (as AWS logs them), else null. */
    static String requester(Principal p) {
        if (p == null || p.accountId() == null) {
            return null;
        }
        return p.root() && !p.temporary() ? AccessLogRecord.canonicalId(p.accountId()) : p.arn();
    }

    /** AWS's {@code REST.<method>.<resource>} operation names. */
    static String operationName(RequestHead head, S3Operation op, String key) {
        String method = head.method().name();
        if (op == null) {
            return "REST." + method + "." + (key == null ? "BUCKET" : "OBJECT");
        }
        return switch (op) {
            case LIST_OBJECTS, LIST_OBJECTS_V2 -> "REST.GET.BUCKET";
            case LIST_OBJECT_VERSIONS -> "REST.GET.BUCKETVERSIONS";
            case GET_BUCKET_VERSIONING, PUT_BUCKET_VERSIONING -> "REST." + method + ".VERSIONING";
            case GET_BUCKET_LOCATION -> "REST.GET.LOCATION";
            case GET_BUCKET_ACL, GET_OBJECT_ACL -> "REST.GET.ACL";
            case GET_BUCKET_LOGGING, PUT_BUCKET_LOGGING -> "REST." + method + ".LOGGING_STATUS";
            case CREATE_MULTIPART_UPLOAD -> "REST.POST.UPLOADS";
            case LIST_MULTIPART_UPLOADS -> "REST.GET.UPLOADS";
            case UPLOAD_PART -> "REST.PUT.PART";
            case UPLOAD_PART_COPY -> "REST.COPY.PART";
            case COMPLETE_MULTIPART_UPLOAD -> "REST.POST.UPLOAD";
            case ABORT_MULTIPART_UPLOAD -> "REST.DELETE.UPLOAD";
            case LIST_PARTS -> "REST.GET.UPLOAD";
            case COPY_OBJECT -> "REST.COPY.OBJECT";
            case DELETE_OBJECTS -> "REST.POST.MULTI_OBJECT_DELETE";
            case GET_OBJECT_ATTRIBUTES -> "REST.GET.OBJECT_ATTRIBUTES";
            case CREATE_BUCKET, DELETE_BUCKET, HEAD_BUCKET -> "REST." + method + ".BUCKET";
            default -> "REST." + method + "." + (key == null ? "BUCKET" : "OBJECT");
        };
    }
}
