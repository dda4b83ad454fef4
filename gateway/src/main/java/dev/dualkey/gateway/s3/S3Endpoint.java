package dev.dualkey.gateway.s3;

import dev.dualkey.gateway.auth.AuthResult;
import dev.dualkey.gateway.auth.SigV4Verifier;
import dev.dualkey.gateway.authz.AccessAuthorizer;
import dev.dualkey.gateway.authz.ActionTable;
import dev.dualkey.gateway.authz.Check;
import dev.dualkey.gateway.authz.RequestAuthorizer;
import dev.dualkey.gateway.authz.RequestContextBuilder;
import dev.dualkey.gateway.authz.RequestOrigin;
import dev.dualkey.gateway.authz.S3ConditionKeys;
import dev.dualkey.gateway.authz.Subject;
import dev.dualkey.gateway.http.Endpoint;
import dev.dualkey.gateway.http.Exchange;
import dev.dualkey.gateway.http.FrontDoorHandler;
import dev.dualkey.gateway.http.Reply;
import dev.dualkey.gateway.http.RequestHead;
import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3ErrorWriter;
import dev.dualkey.gateway.s3.error.S3Exception;
import dev.dualkey.gateway.s3.error.StorageErrorTranslator;
import dev.dualkey.gateway.s3.policy.AnonymousAccess;
import dev.dualkey.gateway.s3.policy.ExpectedBucketOwner;
import dev.dualkey.storage.error.NoSuchKeyException;
import dev.dualkey.storage.error.StorageException;
import io.netty.handler.codec.http.HttpRequest;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The S3 REST endpoint: authenticate (SigV4, service {@code s3}), route, authorize, then hand the request to
 * the operation's handler. Every failure is rendered once here as an S3 {@code <Error>} document.
 *
 * <p>Authorization: every check of the operation's row in {@link ActionTable} (CopyObject's source read
 * included) must be allowed, each evaluated with the request's context ({@link RequestContextBuilder}: principal,
 * transport, time, S3 condition keys). DeleteObjects has no request-level row; its handler checks each entry.
 */
public final class S3Endpoint implements Endpoint {
    private static final Logger LOG = LoggerFactory.getLogger(S3Endpoint.class);

    private final SigV4Verifier verifier;
    private final AccessAuthorizer authorizer;
    private final Clock clock;
    private final String domain;
    private final Map<S3Operation, OperationHandler> handlers;
    private final ExpectedBucketOwner expectedOwner;
    /** Server access logging: each request to a bucket that logs becomes a record. */
    private final dev.dualkey.gateway.s3.logging.RequestRecorder recorder;
    /** Set by {@link #withLoopReads} before the server starts; null: every request runs on the executor. */
    private dev.dualkey.gateway.http.LoopReads loopReads;

    /**
     * @param clock  the time of {@code aws:CurrentTime}, {@code s3:signatureAge} and {@code aws:MultiFactorAuthAge}
     * @param domain virtual-hosted-style domain, or null for path-style only
     */
    public S3Endpoint(SigV4Verifier verifier, AccessAuthorizer authorizer, Clock clock, String domain,
                      Map<S3Operation, OperationHandler> handlers) {
        this(verifier, authorizer, clock, domain, handlers, ExpectedBucketOwner.UNCHECKED);
    }

    /** @param expectedOwner checks {@code x-amz-expected-bucket-owner} against the bucket's owner */
    public S3Endpoint(SigV4Verifier verifier, AccessAuthorizer authorizer, Clock clock, String domain,
                      Map<S3Operation, OperationHandler> handlers, ExpectedBucketOwner expectedOwner) {
        this(verifier, authorizer, clock, domain, handlers, expectedOwner,
                new dev.dualkey.gateway.s3.logging.RequestRecorder(dev.dualkey.gateway.s3.logging.AccessLog.NONE,
                        clock));
    }

    /** @param recorder reports requests to buckets with server access logging */
    public S3Endpoint(SigV4Verifier verifier, AccessAuthorizer authorizer, Clock clock, String domain,
                      Map<S3Operation, OperationHandler> handlers,
                      dev.dualkey.gateway.s3.logging.RequestRecorder recorder) {
        this(verifier, authorizer, clock, domain, handlers, ExpectedBucketOwner.UNCHECKED, recorder);
    }

    /**
     * @param expectedOwner checks {@code x-amz-expected-bucket-owner} against the bucket's owner
     * @param recorder      reports requests to buckets with server access logging
     */
    public S3Endpoint(SigV4Verifier verifier, AccessAuthorizer authorizer, Clock clock, String domain,
                      Map<S3Operation, OperationHandler> handlers, ExpectedBucketOwner expectedOwner,
                      dev.dualkey.gateway.s3.logging.RequestRecorder recorder) {
        this.expectedOwner = Objects.requireNonNull(expectedOwner, "expectedOwner");
        this.recorder = Objects.requireNonNull(recorder, "recorder");
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.domain = domain;
        this.handlers = new EnumMap<>(handlers);
    }

    /**
     * Tries GetObject and HeadObject on the event loop ({@link Endpoint#loopReads}; issue 19), counting here;
     * call before the server starts. Only for a store whose reads stay in memory under
     * {@link dev.dualkey.storage.MemoryOnly} (the local RocksDB store; never upstream mode).
     */
    public S3Endpoint withLoopReads(dev.dualkey.gateway.http.LoopReads counts) {
        this.loopReads = Objects.requireNonNull(counts, "counts");
        return this;
    }

    /**
     * GetObject and HeadObject (routing is a function of the head alone) when enabled; everything else runs on
     * the storage executor. The request itself is the same {@link #begin}: same authentication, same single
     * authorization decision, same handler; only its reads refuse to block.
     */
    @Override
    public dev.dualkey.gateway.http.LoopReads loopReads(RequestHead head) {
        dev.dualkey.gateway.http.LoopReads counts = loopReads;
        if (counts == null || head.malformedUri() || !("GET".equals(head.method().name()) || head.isHead())) {
            return null;
        }
        try {
            S3Operation operation = S3Router.route(head, S3Address.parse(head.rawPath(), head.header("Host"),
                    domain));
            return operation == S3Operation.GET_OBJECT || operation == S3Operation.HEAD_OBJECT ? counts : null;
        } catch (RuntimeException e) {
            return null; // unroutable: the executor's begin renders the error
        }
    }

    /** S3 is the fallback endpoint of the API listener: it accepts every request. */
    @Override
    public boolean accepts(HttpRequest head) {
        return true;
    }

    @Override
    public Exchange begin(RequestHead head) {
        if (head.malformedUri()) {
            throw new S3Exception(S3ErrorCode.INVALID_URI);
        }
        boolean anonymous = AnonymousAccess.unsigned(head); // S3's principal "*": authorized like any caller
        AuthResult auth = anonymous ? AnonymousAccess.result(head) : verifier.verify(head.signable(), null, head.verifiedHead());
        S3Address address = S3Address.parse(head.rawPath(), head.header("Host"), domain);
        S3Operation operation = S3Router.route(head, address);
        head.operation(operation.apiName()); // metrics
        if (dev.dualkey.storage.MemoryOnly.active() && operation != S3Operation.GET_OBJECT
                && operation != S3Operation.HEAD_OBJECT) {
            throw new dev.dualkey.storage.MemoryOnly.WouldBlock(operation.apiName()); // only reads on the loop
        }
        recorder.started(head, address.bucket(), address.key(), operation, auth);
        RequestOrigin origin = anonymous ? RequestOrigin.transport(head.secure(), head.clientAddress())
                : RequestOrigin.signed(head.secure(), head.clientAddress(), auth.signature(),
                head.header("x-amz-content-sha256"));
        RequestContextBuilder context = RequestContextBuilder.of(
                        anonymous ? Subject.anonymous() : Subject.of(auth.principal()), clock)
                .origin(origin).s3Signature(origin).keys(S3ConditionKeys.of(operation, head));
        RequestAuthorizer access = new RequestAuthorizer(authorizer, context);
        String versionId = head.queryParam("versionId");
        boolean copy = operation == S3Operation.COPY_OBJECT || operation == S3Operation.UPLOAD_PART_COPY;
        for (Check check : ActionTable.s3(operation, address.bucket(), address.key(),
                versionId == null || versionId.isEmpty() ? null : versionId,
                copy ? CopySource.parse(head.header("x-amz-copy-source")) : null)) {
            if (!access.allows(check)) {
                throw new S3Exception(S3ErrorCode.ACCESS_DENIED);
            }
        }
        expectedOwner.check(head, address.bucket(), copy ? CopySource.parse(head.header("x-amz-copy-source")) : null);
        S3Request request = new S3Request(head, address.bucket(), address.key(), operation, auth, access);
        OperationHandler handler = handlers.get(operation);
        if (handler == null) {
            throw new S3Exception(S3ErrorCode.NOT_IMPLEMENTED,
                    operation.apiName() + " is not implemented");
        }
        Exchange exchange = handler.begin(request);
        if ((operation == S3Operation.GET_OBJECT || operation == S3Operation.HEAD_OBJECT)
                && exchange instanceof Exchange.Aggregated read) {
            return recorder.wrap(missingKeyNeedsListBucket(read, request), head);
        }
        return recorder.wrap(exchange, head);
    }

    /**
     * As S3 answers a read of a key that does not exist: 404 NoSuchKey only to a caller allowed
     * {@code s3:ListBucket} on the bucket, 403 AccessDenied to anyone else, so that a caller who may read
     * {@code bucket/*} but not list cannot probe which keys exist.
     */
    private static Exchange.Aggregated missingKeyNeedsListBucket(Exchange.Aggregated read, S3Request request) {
        return new Exchange.Aggregated() {
            @Override
            public long maxBodyBytes() {
                return read.maxBodyBytes();
            }

            @Override
            public Reply complete(byte[] body) {
                try {
                    return read.complete(body);
                } catch (NoSuchKeyException e) {
                    if (!request.access().allows(Check.bucket("s3:ListBucket", request.bucket()))) {
                        throw new S3Exception(S3ErrorCode.ACCESS_DENIED);
                    }
                    throw e;
                }
            }

            @Override
            public void abort() {
                read.abort();
            }
        };
    }

    @Override
    public boolean anonymous(RequestHead head) {
        return AnonymousAccess.unsigned(head);
    }

    @Override
    public Reply error(RequestHead head, Throwable failure) {
        S3Exception e = toS3(head, failure);
        String resource = head == null ? null : safeDecode(head.rawPath());
        Reply reply = S3ErrorWriter.render(e, resource, head == null ? null : head.requestId(),
                head == null ? null : head.hostId());
        logFailure(head, reply, e);
        return reply;
    }

    /** Server access logging of a refused or failed request (on the event loop: no storage reads here). */
    private void logFailure(RequestHead head, Reply reply, S3Exception e) {
        if (head == null) {
            return;
        }
        String bucket = null;
        String key = null;
        S3Operation operation = null;
        try {
            S3Address a = S3Address.parse(head.rawPath(), head.header("Host"), domain);
            bucket = a.bucket();
            key = a.key();
            operation = S3Router.route(head, a);
        } catch (RuntimeException ignored) {
            // an unparsable address or an unknown operation is logged as far as it is known
        }
        recorder.failed(head, bucket, key, operation, reply, e.error().code());
    }

    private S3Exception toS3(RequestHead head, Throwable failure) {
        Throwable t = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (t instanceof S3Exception s3) {
            return s3;
        }
        if (t instanceof StorageException se) {
            String bucket = null;
            String key = null;
            String versionId = null;
            if (head != null) {
                try {
                    S3Address a = S3Address.parse(head.rawPath(), head.header("Host"), domain);
                    bucket = a.bucket();
                    key = a.key();
                    versionId = head.queryParam("versionId");
                } catch (S3Exception ignored) {
                    // the address was already accepted once; nothing more to add
                }
            }
            S3Exception x = StorageErrorTranslator.translate(se, bucket, key, versionId);
            if (x.error() == S3ErrorCode.INTERNAL_ERROR) {
                // One line per failed request (a failing disk must not flood the log with stack traces); the
                // trace is there at debug level.
                LOG.error("storage failure {} {}/{}{}: {}", head == null ? "-" : head.requestId(), bucket, key,
                        versionId == null ? "" : " version " + versionId, se.getMessage());
                LOG.debug("storage failure trace", se);
            } else if (se instanceof dev.dualkey.storage.error.StorageFullException) {
                // 503 for a full disk (or ENOSPC from a write or fsync): one line too, so the log says why writes
                // are refused (issue 17)
                LOG.warn("storage full {} {}/{}: {}", head == null ? "-" : head.requestId(), bucket, key,
                        se.getMessage());
            }
            return x;
        }
        if (t instanceof FrontDoorHandler.BodyTooLargeException tooLarge) {
            return new S3Exception(S3ErrorCode.MAX_MESSAGE_LENGTH_EXCEEDED)
                    .with("MaxMessageLengthBytes", Long.toString(tooLarge.limit()));
        }
        if (t instanceof FrontDoorHandler.RequestTimeoutException) {
            return new S3Exception(S3ErrorCode.REQUEST_TIMEOUT, "Your socket connection to the server was not read"
                    + " from or written to within the timeout period. Idle connections will be closed.");
        }
        if (t instanceof FrontDoorHandler.MalformedRequestException) {
            return new S3Exception(S3ErrorCode.INVALID_REQUEST, "The request could not be parsed");
        }
        if (t instanceof RejectedExecutionException) {
            return new S3Exception(S3ErrorCode.SLOW_DOWN);
        }
        LOG.error("internal error", t);
        return new S3Exception(S3ErrorCode.INTERNAL_ERROR);
    }

    private static String safeDecode(String rawPath) {
        try {
            return dev.dualkey.gateway.auth.AwsUriEncoding.decode(rawPath);
        } catch (IllegalArgumentException e) {
            return rawPath;
        }
    }
}
