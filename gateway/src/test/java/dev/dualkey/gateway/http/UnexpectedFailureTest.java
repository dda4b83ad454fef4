package dev.dualkey.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.dualkey.gateway.exec.StorageExecutor;
import dev.dualkey.gateway.s3.S3Endpoint;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.flow.FlowControlHandler;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Issue 17: whatever goes wrong while a request is handled, the client gets an answer (500 InternalError) and the
 * log gets a line; the connection is never closed silently. Found through DiskFaultTest ("fsync 28"), where a PUT
 * whose storage call hung had its keep-alive connection closed by the slow-client guard after the head timeout.
 * The real pipeline runs on an EmbeddedChannel with a hand-run storage pool and the loop's clock advanced by
 * the test (no waiting).
 */
class UnexpectedFailureTest {
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final List<Logger> watched = List.of((Logger) LoggerFactory.getLogger(FrontDoorHandler.class),
            (Logger) LoggerFactory.getLogger(S3Endpoint.class));

    @BeforeEach
    void watchLogs() {
        logs.start();
        watched.forEach(l -> l.addAppender(logs));
    }

    @AfterEach
    void unwatchLogs() {
        watched.forEach(l -> l.detachAppender(logs));
    }

    /** The real S3 endpoint; its error rendering needs no key or policy. */
    private static S3Endpoint s3Endpoint() {
        return new S3Endpoint(new dev.dualkey.gateway.auth.SigV4Verifier(accessKeyId -> java.util.Optional.empty(),
                Clock.systemUTC(), "s3"), request -> dev.dualkey.mfa.policy.Decision.IMPLICIT_DENY,
                Clock.systemUTC(), null, new java.util.EnumMap<>(dev.dualkey.gateway.s3.S3Operation.class));
    }

    private long warnings() {
        return logs.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).count();
    }

    /** The S3 endpoint answers any throwable it does not know, Errors included, 500 InternalError and logs it. */
    @Test
    void theS3EndpointAnswersAnyUnknownThrowable500InternalError() {
        S3Endpoint s3 = s3Endpoint();
        RequestHead head = new RequestHead("REQ1", "HOST1",
                new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.PUT, "/b/k"), false);
        for (Throwable t : List.of(new AssertionError("a bug"), new NoClassDefFoundError("x/Y"),
                new StackOverflowError(), new IllegalStateException("a bug"), new Exception("checked"))) {
            long before = warnings();
            Reply r = s3.error(head, t);
            String body = new String(r.body(), StandardCharsets.UTF_8);
            assertEquals(500, r.status(), t.toString());
            assertTrue(body.contains("<Code>InternalError</Code>"), body);
            assertEquals(before + 1, warnings(), "one log line for " + t);
        }
    }

    /** An Error thrown on the event loop (the head check) is answered, not rethrown into a silent close. */
    @Test
    void anErrorOnTheEventLoopIsAnswered500() {
        Conn c = new Conn(head -> {
            throw new AssertionError("bug in the head check");
        }, head -> Reply.status(200));
        c.send("PUT /b/k HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\n12345");
        c.settle();
        assertTrue(c.output().startsWith("HTTP/1.1 500"), c.output());
        assertTrue(warnings() > 0, "the failure is logged");
        c.channel.finishAndReleaseAll();
    }

    /** An Error thrown on the storage executor (begin) is answered with what the endpoint renders for it. */
    @Test
    void anErrorInStorageWorkIsAnswered500() {
        Conn c = new Conn(head -> false, head -> {
            throw new StackOverflowError();
        });
        c.send("GET /b/k HTTP/1.1\r\nHost: h\r\n\r\n");
        c.settle();
        assertTrue(c.output().startsWith("HTTP/1.1 500"), c.output());
        assertTrue(c.channel.isOpen(), "a failed request answered in full keeps the connection");
        c.channel.finishAndReleaseAll();
    }

    /** When even the endpoint's error rendering fails, a plain 500 InternalError goes out, logged, then close. */
    @Test
    void aFailingErrorRendererStillGivesA500() {
        Conn c = new Conn(head -> false, head -> {
            throw new IllegalStateException("storage broke");
        });
        c.failRendering = true;
        c.send("GET /b/k HTTP/1.1\r\nHost: h\r\n\r\n");
        c.settle();
        assertTrue(c.output().startsWith("HTTP/1.1 500"), c.output());
        assertTrue(c.output().contains("<Code>InternalError</Code>"), c.output());
        assertTrue(logs.list.stream().anyMatch(e -> e.getLevel() == Level.ERROR), "logged");
        c.channel.finishAndReleaseAll();
    }

    /** A handler failing while a small body is collected: the request is answered, not dropped. */
    @Test
    void aPipelineFailureDuringARequestIsAnswered() {
        Conn c = new Conn(head -> true, head -> Reply.status(200));
        c.send("PUT /b/k HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n12345");
        c.settle(); // collecting the small body
        c.channel.pipeline().fireExceptionCaught(new IllegalStateException("a handler bug"));
        c.settle();
        assertTrue(c.output().startsWith("HTTP/1.1 500"), c.output());
        assertTrue(warnings() > 0, "logged");
        c.channel.finishAndReleaseAll();
    }

    /**
     * The defect DiskFaultTest found: on a reused keep-alive connection, a request whose storage work takes longer
     * than the head timeout was closed by the slow-client guard (it still counted the previous answer as the
     * start of the wait for the next head). The request must stay open until it is answered; the keep-alive bound
     * still closes the connection once it is idle after that answer.
     */
    @Test
    void slowStorageWorkOnAReusedConnectionIsNotCutOff() {
        Conn c = new Conn(head -> false, head -> Reply.status(200));
        Duration headTimeout = TransportLimits.defaults().requestHeadTimeout();
        c.send("GET /b/1 HTTP/1.1\r\nHost: h\r\n\r\n");
        c.settle();
        assertTrue(c.output().startsWith("HTTP/1.1 200"), c.output());
        c.send("GET /b/2 HTTP/1.1\r\nHost: h\r\n\r\n");
        c.loopOnly(); // the head is read; its storage task waits (a slow disk)
        assertEquals(1, c.pool.tasks.size());
        c.channel.advanceTimeBy(headTimeout.toNanos() * 3, TimeUnit.NANOSECONDS);
        c.channel.runScheduledPendingTasks();
        assertTrue(c.channel.isOpen(), "a request in progress was cut off by the head timeout");
        c.settle();
        assertEquals(2, c.output().split("HTTP/1.1 200", -1).length - 1, c.output());
        c.channel.advanceTimeBy(headTimeout.toNanos() + 1, TimeUnit.NANOSECONDS);
        c.channel.runScheduledPendingTasks();
        assertFalse(c.channel.isOpen(), "the keep-alive bound closes an idle connection");
        c.channel.finishAndReleaseAll();
    }

    private static final class Conn {
        final EmbeddedChannel channel = new EmbeddedChannel();
        final Pool pool = new Pool();
        private final StringBuilder written = new StringBuilder();
        boolean failRendering;

        Conn(Function<RequestHead, Boolean> authenticatedByHead, Function<RequestHead, Reply> work) {
            channel.freezeTime();
            Endpoint endpoint = new Endpoint() {
                @Override
                public boolean accepts(HttpRequest head) {
                    return true;
                }

                @Override
                public boolean authenticatedByHead(RequestHead head) {
                    return authenticatedByHead.apply(head);
                }

                @Override
                public Exchange begin(RequestHead head) {
                    Reply r = work.apply(head);
                    return (Exchange.Aggregated) new Exchange.Aggregated() {
                        @Override
                        public long maxBodyBytes() {
                            return 1 << 20;
                        }

                        @Override
                        public Reply complete(byte[] body) {
                            return r;
                        }
                    };
                }

                @Override
                public Reply error(RequestHead head, Throwable failure) {
                    if (failRendering) {
                        throw new IllegalStateException("cannot render " + failure);
                    }
                    return s3Endpoint().error(head, failure);
                }
            };
            channel.config().setAutoRead(false);
            channel.pipeline().addLast(new HttpServerCodec(), new SlowClientGuard(TransportLimits.defaults()),
                    new FlowControlHandler(), new FrontDoorHandler(List.of(endpoint), new StorageExecutor(pool),
                            false, new FrontDoorHandler.InFlight() {
                                @Override
                                public void started() {
                                }

                                @Override
                                public void finished() {
                                }
                            }));
            channel.pipeline().fireChannelActive();
        }

        void send(String request) {
            channel.writeOneInbound(Unpooled.copiedBuffer(request, StandardCharsets.ISO_8859_1));
            channel.pipeline().fireChannelReadComplete();
        }

        void loopOnly() {
            channel.runPendingTasks();
            if (channel.isOpen()) {
                channel.flushOutbound();
            }
            collect();
        }

        void settle() {
            do {
                loopOnly();
            } while (pool.runOne());
            loopOnly();
        }

        private void collect() {
            for (Object o; (o = channel.readOutbound()) != null; ) {
                ByteBuf b = (ByteBuf) o;
                written.append(b.toString(StandardCharsets.ISO_8859_1));
                b.release();
            }
        }

        String output() {
            return written.toString();
        }
    }

    /** Queues storage tasks; the test runs them. */
    private static final class Pool extends AbstractExecutorService {
        final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

        @Override
        public void execute(Runnable command) {
            tasks.add(command);
        }

        boolean runOne() {
            Runnable r = tasks.poll();
            if (r == null) {
                return false;
            }
            r.run();
            return true;
        }

        @Override
        public void shutdown() {
        }

        @Override
        public List<Runnable> shutdownNow() {
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return false;
        }

        @Override
        public boolean isTerminated() {
            return false;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }
    }
}
