package dev.dualkey.compat.bench;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.async.SdkPublisher;

/**
 * Reads a response body and only counts its bytes, so that a 256 MiB GET measures the server and the wire, not
 * the client's memory copies. Requests one buffer at a time (back-pressure).
 */
final class CountingTransformer<R> implements AsyncResponseTransformer<R, Long> {
    private volatile CompletableFuture<Long> result;

    @Override
    public CompletableFuture<Long> prepare() {
        result = new CompletableFuture<>();
        return result;
    }

    @Override
    public void onResponse(R response) {
        // Only the body's length matters here.
    }

    @Override
    public void onStream(SdkPublisher<ByteBuffer> publisher) {
        publisher.subscribe(new Subscriber<ByteBuffer>() {
            private Subscription subscription;
            private long bytes;

            @Override
            public void onSubscribe(Subscription s) {
                subscription = s;
                s.request(1);
            }

            @Override
            public void onNext(ByteBuffer buffer) {
                bytes += buffer.remaining();
                subscription.request(1);
            }

            @Override
            public void onError(Throwable t) {
                result.completeExceptionally(t);
            }

            @Override
            public void onComplete() {
                result.complete(bytes);
            }
        });
    }

    @Override
    public void exceptionOccurred(Throwable error) {
        result.completeExceptionally(error);
    }
}
