package dev.dualkey.gateway.http;

import io.netty.handler.codec.http.HttpRequest;

/**
 * One protocol behind the front door (S3 REST; later the IAM Query API and the console). The front door asks
 * each endpoint of its listener in order whether it {@link #accepts} a request head and gives the request to
 * the first that does; the last endpoint of a listener should accept everything.
 *
 * <p>Threading: {@link #accepts} runs on the event loop and must only look at headers; {@link #begin} and every
 * {@link Exchange} method run on the storage executor, one at a time per request, except for a body-less request
 * the endpoint offers to the loop ({@link #loopReads}): that runs on the event loop under
 * {@link dev.dualkey.storage.MemoryOnly} first, and again on the executor if a read would have blocked.
 */
public interface Endpoint {
    /** Whether this endpoint serves the request (e.g. IAM: {@code POST /} form whose SigV4 service is iam). */
    boolean accepts(HttpRequest head);

    /**
     * Authenticates and routes the request from its head alone, before any body byte is read; the front door
     * answers {@code 100 Continue} only after this returns.
     *
     * @throws RuntimeException any failure; rendered by {@link #error}
     */
    Exchange begin(RequestHead head);

    /**
     * Whether the head alone proves the request authentic from what is already in memory (event loop; no storage
     * IO, no blocking). True lets the front door hold a small body before {@link #begin} and run the request in
     * one storage task; {@link #begin} still authenticates in full. False (the default: a protocol whose signature
     * covers the body, or a key not seen recently) makes the front door run {@link #begin} before it reads any
     * body byte, so an unauthenticated client never makes the server hold its body.
     */
    default boolean authenticatedByHead(RequestHead head) {
        return false;
    }

    /**
     * Whether this body-less request may be tried on the event loop (issue 19), and where to count the outcome;
     * null (the default) to run it on the storage executor. When non-null the front door runs {@link #begin} and the
     * exchange's completion on the loop inside {@link dev.dualkey.storage.MemoryOnly#attempt}: every read that
     * could block refuses there, and the request then runs again from the start on the executor. So the endpoint's
     * code must be safe to run twice up to the point where a read would block: no side effect before its last
     * read but idempotent ones. Event loop; headers only.
     */
    default LoopReads loopReads(RequestHead head) {
        return null;
    }

    /**
     * Whether the request is anonymous (carries no signature at all; S3's principal {@code *}). Its success does
     * not prove a key, so the connection keeps counting against the cap of unauthenticated connections.
     */
    default boolean anonymous(RequestHead head) {
        return false;
    }

    /** Renders a failure of this endpoint's protocol (S3 {@code <Error>}, IAM {@code <ErrorResponse>}). */
    Reply error(RequestHead head, Throwable failure);
}
