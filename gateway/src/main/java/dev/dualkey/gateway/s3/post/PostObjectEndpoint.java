package dev.dualkey.gateway.s3.post;

import dev.dualkey.gateway.auth.CredentialProvider;
import dev.dualkey.gateway.authz.AccessAuthorizer;
import dev.dualkey.gateway.http.Endpoint;
import dev.dualkey.gateway.http.Exchange;
import dev.dualkey.gateway.http.Reply;
import dev.dualkey.gateway.http.RequestHead;
import dev.dualkey.gateway.protect.ProtectedOperations;
import dev.dualkey.gateway.s3.S3Address;
import dev.dualkey.gateway.s3.error.S3Exception;
import dev.dualkey.storage.ObjectStore;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import java.time.Clock;
import java.util.Objects;

/**
 * The S3 endpoint with POST Object in front of it: a {@code POST} to a bucket with a {@code multipart/form-data}
 * body is a browser upload, authenticated by its form fields instead of a header, so it is taken here before the
 * S3 endpoint's SigV4 check; everything else, and every error answer, is the S3 endpoint's.
 */
public final class PostObjectEndpoint implements Endpoint {
    private final Endpoint delegate;
    private final Settings settings;

    /**
     * What a POST upload needs from the server.
     *
     * @param sigV4Clock  the clock of signatures and policy expiry
     * @param policyClock the clock of the authorizer's request context
     * @param region      the server's region: a SigV4 credential scope must name it
     * @param domain      the virtual-hosted-style domain, or null
     * @param sigV2       whether SigV2-signed forms are accepted ({@code serve --no-sigv2} refuses them)
     * @param plainHttpMfa whether x-amz-mfa may come over plain HTTP (for the D9 check's request)
     * @param canonicalIds the accounts' canonical ids, for the form's ACL under the bucket's Object Ownership
     */
    public record Settings(ObjectStore store, ProtectedOperations protect, AccessAuthorizer authorizer,
                           CredentialProvider credentials, Clock sigV4Clock, Clock policyClock, String region,
                           String domain, boolean sigV2, boolean plainHttpMfa,
                           dev.dualkey.gateway.acl.CanonicalIds canonicalIds) {
        public Settings {
            Objects.requireNonNull(canonicalIds, "canonicalIds");
            Objects.requireNonNull(store, "store");
            Objects.requireNonNull(protect, "protect");
            Objects.requireNonNull(authorizer, "authorizer");
            Objects.requireNonNull(credentials, "credentials");
            Objects.requireNonNull(sigV4Clock, "sigV4Clock");
            Objects.requireNonNull(policyClock, "policyClock");
        }
    }

    public PostObjectEndpoint(Endpoint delegate, Settings settings) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    @Override
    public boolean accepts(HttpRequest head) {
        return delegate.accepts(head);
    }

    /** A form upload proves nothing by its head: its signature is in the body. */
    @Override
    public boolean authenticatedByHead(RequestHead head) {
        return bucketOfPost(head) == null && delegate.authenticatedByHead(head);
    }

    /**
     * A form upload is begun before its signature (in the body) is checked, so it proves no key to the front door:
     * its connection keeps counting against the cap of unauthenticated connections.
     */
    @Override
    public dev.dualkey.gateway.http.LoopReads loopReads(RequestHead head) {
        return bucketOfPost(head) != null ? null : delegate.loopReads(head);
    }

    @Override
    public boolean anonymous(RequestHead head) {
        return bucketOfPost(head) != null || delegate.anonymous(head);
    }

    @Override
    public Exchange begin(RequestHead head) {
        String bucket = bucketOfPost(head);
        if (bucket == null) {
            return delegate.begin(head);
        }
        return new PostObjectExchange(head, bucket,
                MultipartFormParser.boundary(head.header("Content-Type")), settings);
    }

    @Override
    public Reply error(RequestHead head, Throwable failure) {
        return delegate.error(head, failure);
    }

    /** The bucket of a POST Object request (POST on a bucket, multipart/form-data), else null. */
    String bucketOfPost(RequestHead head) {
        if (!HttpMethod.POST.equals(head.method()) || head.malformedUri()
                || MultipartFormParser.boundary(head.header("Content-Type")) == null
                || head.hasQueryParam("delete") || head.hasQueryParam("uploads")
                || head.hasQueryParam("uploadId")) {
            return null;
        }
        try {
            S3Address a = S3Address.parse(head.rawPath(), head.header("Host"), settings.domain());
            return a.bucket() != null && a.key() == null ? a.bucket() : null;
        } catch (S3Exception e) {
            return null;
        }
    }
}
