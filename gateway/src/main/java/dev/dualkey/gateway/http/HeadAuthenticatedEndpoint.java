package dev.dualkey.gateway.http;

import dev.dualkey.gateway.auth.SigV4Verifier;
import io.netty.handler.codec.http.HttpRequest;
import java.util.Objects;

/**
 * An endpoint whose requests sign their payload hash in a header ({@code x-amz-content-sha256}: S3), so the head
 * alone can be verified before any body byte is held. {@link #authenticatedByHead} runs the real SigV4 check on
 * the event loop with a verifier over {@link RecentCredentials#cached} (memory only); everything else is the
 * wrapped endpoint's.
 */
public final class HeadAuthenticatedEndpoint implements Endpoint {
    private final Endpoint delegate;
    private final SigV4Verifier headVerifier;

    /**
     * @param headVerifier a verifier for the delegate's service over {@code recent::cached}: it must never block
     */
    public HeadAuthenticatedEndpoint(Endpoint delegate, SigV4Verifier headVerifier) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.headVerifier = Objects.requireNonNull(headVerifier, "headVerifier");
    }

    @Override
    public boolean accepts(HttpRequest head) {
        return delegate.accepts(head);
    }

    @Override
    public Exchange begin(RequestHead head) {
        return delegate.begin(head);
    }

    @Override
    public boolean authenticatedByHead(RequestHead head) {
        if (head.malformedUri()) {
            return false;
        }
        try {
            // kept with the head: begin confirms it against the store instead of verifying the signature again
            head.verifiedHead(headVerifier.verifyHead(head.signable()));
            return true;
        } catch (RuntimeException e) {
            return false; // unknown here, or not authentic: begin decides, before any body byte is read
        }
    }

    @Override
    public dev.dualkey.gateway.http.LoopReads loopReads(RequestHead head) {
        return delegate.loopReads(head);
    }

    @Override
    public boolean anonymous(RequestHead head) {
        return delegate.anonymous(head);
    }

    @Override
    public Reply error(RequestHead head, Throwable failure) {
        return delegate.error(head, failure);
    }
}
