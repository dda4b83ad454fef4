package dev.dualkey.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.gateway.exec.StorageExecutor;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.flow.FlowControlHandler;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/**
 * How the front door feeds bodies to exchanges: small requests in as few storage tasks as possible, large bodies
 * in order while the loop reads ahead by at most {@link BodyPump#HIGH_WATER} bytes, and failures that abort the
 * exchange exactly once, never while a drain still feeds it. The storage executor is a queue the test runs by hand,
 * so "how many tasks" and "what was read while a task waited" are observable and deterministic.
 */
class BodyStreamingTest {

    /** A presigned-style PUT (no Expect) and a GET run begin, body and finish in one storage task. */
    @Test
    void smallRequestWithoutExpectContinueTakesOneStorageTask() {
        Conn c = new Conn();
        c.arrive(put("/b/k", "stream", body(4096), false));
        c.settle();
        assertEquals(1, c.pool.executed, "storage tasks for a 4 KiB PUT");
        c.assertAnswered(List.of("len:4096;crc:" + crc(body(4096)) + ";"));

        Conn g = new Conn();
        g.arrive("GET /b/k HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        g.settle();
        assertEquals(1, g.pool.executed, "storage tasks for a GET");
        g.assertAnswered(List.of("len:0;"));
    }

    /**
     * With Expect: 100-continue and a small body (what the SDKs send for every PutObject), 100 Continue goes out
     * at once, before any storage task, and begin, body and finish take one task after the last piece.
     */
    @Test
    void smallBodyWithExpectContinueGetsContinueAtOnceAndTakesOneTask() {
        Conn c = new Conn();
        byte[] request = put("/b/k", "stream", body(4096), true);
        int headEnd = indexOfBody(request);
        c.arrive(Arrays.copyOfRange(request, 0, headEnd));
        c.loopAndCollect();
        assertTrue(c.output().startsWith("HTTP/1.1 100 Continue"), c.output());
        assertEquals(0, c.pool.pending(), "no storage task before the body");
        // the body in three TCP pieces: still one task, after the last one
        c.arrive(Arrays.copyOfRange(request, headEnd, headEnd + 1000));
        c.arrive(Arrays.copyOfRange(request, headEnd + 1000, headEnd + 3000));
        c.loopAndCollect();
        assertEquals(0, c.pool.pending(), "no storage task before the last piece");
        c.arrive(Arrays.copyOfRange(request, headEnd + 3000, request.length));
        c.settle();
        assertEquals(1, c.pool.executed, "begin + body + finish in one task");
        c.assertAnswered(List.of("len:4096;crc:" + crc(body(4096)) + ";"));
    }

    /**
     * A body over {@link FrontDoorHandler#EARLY_BODY_MAX} with Expect: 100-continue is begun first (so a refusal
     * comes before the client sends it), and 100 Continue only after that task.
     */
    @Test
    void largeBodyWithExpectContinueIsBegunBeforeContinue() {
        Conn c = new Conn();
        byte[] data = body((int) FrontDoorHandler.EARLY_BODY_MAX + 1);
        byte[] request = put("/b/k", "stream", data, true);
        int headEnd = indexOfBody(request);
        c.arrive(Arrays.copyOfRange(request, 0, headEnd));
        c.loopAndCollect();
        assertEquals("", c.output(), "nothing answered before the request was begun");
        assertEquals(1, c.pool.pending(), "the begin task");
        c.settle();
        assertTrue(c.output().startsWith("HTTP/1.1 100 Continue"), c.output());
        c.arrive(Arrays.copyOfRange(request, headEnd, request.length));
        c.settle();
        c.assertAnswered(List.of("len:" + data.length + ";crc:" + crc(data) + ";"));
    }

    /** A large body arrives in pieces of every size; the exchange sees every byte once, in order. */
    @Test
    void largeBodyIsFedInOrderWhateverTheArrivalSizes() {
        byte[] data = body(700_000);
        for (int piece : new int[] {1000, 8192, 65_536, 100_000}) {
            for (boolean expect : new boolean[] {false, true}) {
                Conn c = new Conn();
                byte[] request = put("/b/k", "stream", data, expect);
                for (int i = 0; i < request.length; i += piece) {
                    c.arrive(Arrays.copyOfRange(request, i, Math.min(request.length, i + piece)));
                }
                c.settle();
                c.assertAnswered(List.of("len:700000;crc:" + crc(data) + ";"));
            }
        }
    }

    /**
     * While storage work waits, the loop reads ahead only up to the high-water mark: the rest stays in the socket
     * (the upload's memory bound), and reading resumes as the drain catches up.
     */
    @Test
    void readAheadStopsAtTheHighWaterMarkUntilTheDrainCatchesUp() {
        byte[] data = body(2_000_000);
        Conn c = new Conn();
        byte[] request = put("/b/k", "stream", data, false);
        for (int i = 0; i < request.length; i += 16_384) {
            c.arrive(Arrays.copyOfRange(request, i, Math.min(request.length, i + 16_384)));
        }
        c.loopOnly();    // the head
        c.pool.runOne(); // begin
        c.loopOnly();    // reads until the queue is full; the first drain task waits in the executor
        long unread = c.socket.unreadBytes();
        long read = request.length - unread;
        assertTrue(read <= BodyPump.HIGH_WATER + 2 * 16_384 + 1024, "read ahead " + read);
        assertTrue(read >= BodyPump.HIGH_WATER, "read ahead " + read);
        assertEquals(1, c.pool.pending(), "one drain at a time");
        c.settle();
        c.assertAnswered(List.of("len:2000000;crc:" + crc(data) + ";"));
    }

    /** A failure while feeding answers the error and aborts the exchange once, after its drain ended. */
    @Test
    void failureWhileFeedingAbortsOnceAndAnswers() {
        Conn c = new Conn();
        byte[] request = put("/b/k", "fail-at-300000", body(600_000), false);
        for (int i = 0; i < request.length; i += 50_000) {
            c.arrive(Arrays.copyOfRange(request, i, Math.min(request.length, i + 50_000)));
        }
        c.settle();
        assertTrue(c.output().contains("HTTP/1.1 500"), c.output());
        assertTrue(c.output().contains("refused at 300000"), c.output());
        assertEquals(1, c.endpoint.aborts, "aborts");
        assertFalse(c.endpoint.fedAfterAbort, "data fed after abort");
        c.channel.finishAndReleaseAll();
    }

    /** The connection drops while a drain waits: the exchange is aborted once that drain has run, never during. */
    @Test
    void connectionLossDuringADrainAbortsAfterIt() {
        Conn c = new Conn();
        byte[] request = put("/b/k", "stream", body(600_000), false);
        c.arrive(Arrays.copyOfRange(request, 0, 200_000));
        c.loopOnly();    // the head
        c.pool.runOne(); // begin
        c.loopOnly();
        assertEquals(1, c.pool.pending(), "a drain waits");
        assertEquals(0, c.endpoint.aborts);
        c.channel.close();
        c.channel.runPendingTasks();
        assertEquals(0, c.endpoint.aborts, "aborted while a drain is queued");
        c.settle();
        assertEquals(1, c.endpoint.aborts, "aborts after the drain");
        assertFalse(c.endpoint.fedAfterAbort, "data fed after abort");
    }

    /** An early-collected request whose begin fails is answered and the connection serves the next request. */
    @Test
    void earlyBodyWithFailingBeginKeepsTheConnection() {
        Conn c = new Conn();
        byte[] bad = put("/b/k", "deny", body(3000), false);
        byte[] good = put("/b/k2", "aggregate", body(100), false);
        byte[] both = Arrays.copyOf(bad, bad.length + good.length);
        System.arraycopy(good, 0, both, bad.length, good.length);
        c.arrive(both);
        c.settle();
        assertTrue(c.output().startsWith("HTTP/1.1 403"), c.output());
        assertTrue(c.output().contains("len:100;"), c.output());
        assertEquals(0, c.socket.unreadBytes());
        assertTrue(c.channel.isOpen());
        c.channel.finishAndReleaseAll();
    }

    /**
     * Issue 12 F: a small body whose head is not proven authentic is not read before begin has run (it stays in
     * the socket); begin refuses it, and the answer comes after the rest is drained.
     */
    @Test
    void unauthenticatedSmallBodyIsNotReadBeforeBegin() {
        Conn c = new Conn();
        byte[] request = anonymous(put("/b/k", "deny", body(4096), false));
        int headEnd = indexOfBody(request);
        c.arrive(Arrays.copyOfRange(request, 0, headEnd));
        c.arrive(Arrays.copyOfRange(request, headEnd, request.length));
        c.loopAndCollect();
        assertEquals(4096, c.socket.unreadBytes(), "body bytes read before authentication");
        assertEquals(1, c.pool.pending(), "the begin task");
        c.settle();
        assertTrue(c.output().startsWith("HTTP/1.1 403"), c.output());
        assertEquals(0, c.socket.unreadBytes(), "the rest was drained before the answer");
        c.channel.finishAndReleaseAll();
    }

    /** With Expect: 100-continue, an unauthenticated small body gets its refusal instead of 100 Continue. */
    @Test
    void unauthenticatedExpectContinueIsRefusedBeforeContinue() {
        Conn c = new Conn();
        byte[] request = anonymous(put("/b/k", "deny", body(4096), true));
        c.arrive(Arrays.copyOfRange(request, 0, indexOfBody(request)));
        c.settle();
        assertTrue(c.output().startsWith("HTTP/1.1 403"), c.output());
        assertFalse(c.output().contains("100 Continue"), c.output());
        // the unsent body's framing is unknown: the connection ends after a lingering close (drain, then close)
        c.channel.advanceTimeBy(FrontDoorHandler.LINGER_MILLIS, TimeUnit.MILLISECONDS);
        c.channel.runScheduledPendingTasks();
        assertFalse(c.channel.isOpen(), "the unsent body's framing is unknown: the connection must close");
        c.channel.finishAndReleaseAll();
    }

    /**
     * A body trickled one byte per read is held as its bytes in one buffer (the reservation is the declared
     * length, not one buffer per read), and the listener's budget refuses a request that would go over it.
     */
    @Test
    void heldBodiesAreCountedByBytesAndCappedOverall() {
        Admission admission = new Admission(TransportLimits.defaults().withMaxHeldBodyBytes(3 * 100_000));
        List<Conn> conns = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Conn c = new Conn(admission);
            byte[] request = put("/b/k", "stream", body(100_000), false);
            int headEnd = indexOfBody(request);
            c.arrive(Arrays.copyOfRange(request, 0, headEnd));
            for (int j = 0; j < 5000; j++) {
                c.arrive(new byte[] {request[headEnd + j]});
            }
            c.loopAndCollect();
            assertEquals(0, c.socket.unreadBytes());
            conns.add(c);
        }
        assertEquals(300_000, admission.heldBodyBytes(), "bytes held for three trickling 100,000-byte bodies");
        Conn over = new Conn(admission);
        over.arrive(put("/b/k", "stream", body(10), false));
        over.settle();
        assertTrue(over.output().startsWith("HTTP/1.1 503"), over.output());
        for (Conn c : conns) {
            c.channel.close();
            c.channel.runPendingTasks();
        }
        assertEquals(0, admission.heldBodyBytes(), "bytes still held after the connections closed");
        over.channel.finishAndReleaseAll();
    }

    /** The cap on unauthenticated connections closes the next one as it is accepted; authenticating frees a slot. */
    @Test
    void unauthenticatedConnectionsAreCapped() {
        Admission admission = new Admission(TransportLimits.defaults().withMaxUnauthenticatedConnections(2));
        Conn a = new Conn(admission);
        Conn b = new Conn(admission);
        Conn refused = new Conn(admission);
        assertTrue(a.channel.isOpen() && b.channel.isOpen());
        assertFalse(refused.channel.isOpen(), "third unauthenticated connection accepted");
        a.arrive(put("/b/k", "stream", body(10), false)); // authenticated by its head
        a.settle();
        assertEquals(1, admission.unauthenticatedConnections());
        Conn next = new Conn(admission);
        assertTrue(next.channel.isOpen(), "slot not freed by an authenticated request");
        b.channel.close();
        next.channel.close();
        b.channel.runPendingTasks();
        next.channel.runPendingTasks();
        assertEquals(0, admission.unauthenticatedConnections());
    }

    /** An anonymous request that succeeds (a public bucket) proves no key: the connection stays counted. */
    @Test
    void anAnonymousSuccessDoesNotFreeAnUnauthenticatedSlot() {
        Admission admission = new Admission(TransportLimits.defaults().withMaxUnauthenticatedConnections(1));
        Conn a = new Conn(admission);
        byte[] get = "GET /public/k HTTP/1.1\r\nHost: localhost\r\nx-test-public: 1\r\nContent-Length: 0\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII);
        a.arrive(anonymous(get));
        a.settle();
        assertTrue(a.output().startsWith("HTTP/1.1 200 OK"), a.output());
        assertEquals(1, admission.unauthenticatedConnections());
        assertFalse(new Conn(admission).channel.isOpen(), "an anonymous success freed the slot");
        a.channel.close();
        a.channel.runPendingTasks();
        assertEquals(0, admission.unauthenticatedConnections());
    }

    /**
     * A body-carrying anonymous request (a PUT or a POST form a public-write grant allowed) proves no key either:
     * neither when its exchange begins and its body starts to flow ({@code started}) nor when it succeeds
     * ({@code done}), whether the body is streamed or aggregated.
     */
    @Test
    void anAnonymousUploadDoesNotFreeAnUnauthenticatedSlot() {
        for (String mode : List.of("stream", "aggregate")) {
            Admission admission = new Admission(TransportLimits.defaults().withMaxUnauthenticatedConnections(1));
            Conn a = new Conn(admission);
            byte[] request = publicAnonymous(put("/public/k", mode, body(100_000), false));
            int half = indexOfBody(request) + 50_000;
            a.arrive(Arrays.copyOfRange(request, 0, half));
            a.settle();
            assertEquals("", a.output(), mode + ": answered before the body ended");
            assertEquals(1, admission.unauthenticatedConnections(), mode + ": a begun anonymous upload freed the slot");
            assertFalse(new Conn(admission).channel.isOpen(), mode + ": a second connection was let in mid-upload");
            a.arrive(Arrays.copyOfRange(request, half, request.length));
            a.settle();
            assertTrue(a.output().startsWith("HTTP/1.1 200 OK"), a.output());
            assertTrue(a.output().contains("len:100000;"), a.output());
            assertEquals(1, admission.unauthenticatedConnections(), mode);
            assertFalse(new Conn(admission).channel.isOpen(), mode + ": an anonymous upload's success freed the slot");
            a.channel.close();
            a.channel.runPendingTasks();
            assertEquals(0, admission.unauthenticatedConnections(), mode);
        }
    }

    /** Marks a request unsigned ({@code x-test-anonymous}) and allowed by a public grant ({@code x-test-public}). */
    private static byte[] publicAnonymous(byte[] request) {
        String s = new String(anonymous(request), StandardCharsets.ISO_8859_1)
                .replaceFirst("\r\n", "\r\nx-test-public: 1\r\n");
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] anonymous(byte[] request) {
        String s = new String(request, StandardCharsets.ISO_8859_1)
                .replaceFirst("\r\n", "\r\nx-test-anonymous: 1\r\n");
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    // ---- harness -------------------------------------------------------------------------------------------

    private static byte[] body(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + (i >>> 9));
        }
        return b;
    }

    private static long crc(byte[] b) {
        CRC32 c = new CRC32();
        c.update(b);
        return c.getValue();
    }

    private static byte[] put(String path, String mode, byte[] body, boolean expectContinue) {
        String head = "PUT " + path + " HTTP/1.1\r\nHost: localhost\r\nx-test-mode: " + mode + "\r\n"
                + (expectContinue ? "Expect: 100-continue\r\n" : "") + "Content-Length: " + body.length + "\r\n\r\n";
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        byte[] out = Arrays.copyOf(h, h.length + body.length);
        System.arraycopy(body, 0, out, h.length, body.length);
        return out;
    }

    private static int indexOfBody(byte[] request) {
        return new String(request, StandardCharsets.ISO_8859_1).indexOf("\r\n\r\n") + 4;
    }

    /** One connection through the production pipeline behind a simulated socket, with a hand-run executor. */
    private static final class Conn {
        final SimulatedSocket socket = new SimulatedSocket();
        final ManualPool pool = new ManualPool();
        final Echo endpoint = new Echo();
        final EmbeddedChannel channel;
        private final ByteArrayOutputStream written = new ByteArrayOutputStream();

        Conn() {
            this(new Admission(TransportLimits.defaults()));
        }

        Conn(Admission admission) {
            channel = new EmbeddedChannel(false, false);
            channel.config().setAutoRead(false);
            channel.pipeline().addLast(socket, new HttpServerCodec(16 * 1024, 64 * 1024, 64 * 1024),
                    new FlowControlHandler(), new FrontDoorHandler(List.of(endpoint),
                            new StorageExecutor(pool), false, new FrontDoorHandler.InFlight() {
                                @Override
                                public void started() {
                                }

                                @Override
                                public void finished() {
                                }
                            }, admission));
            try {
                channel.register();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        void arrive(byte[] bytes) {
            socket.arrivals.add(bytes);
        }

        /** Socket reads and loop tasks only, no storage work. */
        void loopOnly() {
            for (int i = 0; i < 100_000; i++) {
                channel.runPendingTasks();
                if (!socket.readOne()) {
                    channel.runPendingTasks();
                    if (!socket.readOne()) {
                        return;
                    }
                }
            }
        }

        /** Everything, until nothing more can happen. */
        void settle() {
            do {
                loopOnly();
            } while (pool.runOne());
            loopOnly();
            collectOutput();
        }

        /** Socket reads and loop tasks, then what was written; storage tasks stay queued. */
        void loopAndCollect() {
            loopOnly();
            collectOutput();
        }

        private void collectOutput() {
            for (Object o; (o = channel.readOutbound()) != null; ) {
                ByteBuf b = (ByteBuf) o;
                byte[] bytes = new byte[b.readableBytes()];
                b.readBytes(bytes);
                b.release();
                written.writeBytes(bytes);
            }
        }

        String output() {
            return written.toString(StandardCharsets.ISO_8859_1);
        }

        void assertAnswered(List<String> bodies) {
            String out = output();
            List<String> got = new ArrayList<>();
            for (String part : out.split("HTTP/1\\.1 200 OK\\r\\n")) {
                int at = part.indexOf("\r\n\r\n");
                if (at >= 0 && part.contains("len:")) {
                    got.add(part.substring(at + 4));
                }
            }
            assertEquals(0, socket.unreadBytes(), "unread bytes; output " + out);
            assertEquals(bodies, got, out);
            assertTrue(channel.isOpen(), "connection closed");
            assertEquals(0, pool.pending(), "storage tasks left");
            channel.finishAndReleaseAll();
        }
    }

    /** Delivers one arrival per demanded read, like NIO with autoRead off. */
    private static final class SimulatedSocket extends ChannelDuplexHandler {
        final ArrayDeque<byte[]> arrivals = new ArrayDeque<>();
        private boolean readDemanded;
        private ChannelHandlerContext ctx;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void read(ChannelHandlerContext ctx) {
            readDemanded = true;
        }

        boolean readOne() {
            if (!readDemanded || arrivals.isEmpty() || !ctx.channel().isOpen()) {
                return false;
            }
            readDemanded = false;
            ctx.fireChannelRead(Unpooled.wrappedBuffer(arrivals.poll()));
            ctx.fireChannelReadComplete();
            return true;
        }

        long unreadBytes() {
            return arrivals.stream().mapToLong(a -> a.length).sum();
        }
    }

    /**
     * Streams with a CRC of what it was fed ({@code stream}), aggregates ({@code aggregate}), refuses at begin
     * ({@code deny}) or fails after N bytes ({@code fail-at-N}); counts aborts and data fed after an abort.
     */
    private static final class Echo implements Endpoint {
        int aborts;
        boolean fedAfterAbort;

        @Override
        public boolean accepts(HttpRequest head) {
            return true;
        }

        /** Every head is authentic unless it says {@code x-test-anonymous} (then begin must run first). */
        @Override
        public boolean authenticatedByHead(RequestHead head) {
            return head.header("x-test-anonymous") == null;
        }

        /** A head saying {@code x-test-public} is an unsigned request a public grant allowed. */
        @Override
        public boolean anonymous(RequestHead head) {
            return head.header("x-test-public") != null;
        }

        @Override
        public Exchange begin(RequestHead head) {
            String mode = String.valueOf(head.header("x-test-mode"));
            if (mode.equals("deny")) {
                throw new SecurityException("denied");
            }
            if (!head.method().name().equals("PUT") || mode.equals("aggregate")) {
                return new Exchange.Aggregated() {
                    @Override
                    public long maxBodyBytes() {
                        return 1 << 20;
                    }

                    @Override
                    public Reply complete(byte[] body) {
                        return answer("len:" + body.length + ";");
                    }
                };
            }
            long failAt = mode.startsWith("fail-at-") ? Long.parseLong(mode.substring(8)) : Long.MAX_VALUE;
            return new Exchange.Streaming() {
                private final CRC32 crc = new CRC32();
                private long n;
                private boolean aborted;

                @Override
                public void onData(ByteBuffer data) {
                    if (aborted) {
                        fedAfterAbort = true;
                    }
                    n += data.remaining();
                    crc.update(data);
                    if (n >= failAt) {
                        throw new IllegalStateException("refused at " + failAt);
                    }
                }

                @Override
                public Reply finish() {
                    return answer("len:" + n + ";crc:" + crc.getValue() + ";");
                }

                @Override
                public void abort() {
                    if (!aborted) {
                        aborted = true;
                        aborts++;
                    }
                }
            };
        }

        private static Reply answer(String s) {
            return Reply.status(200).body(s.getBytes(StandardCharsets.US_ASCII), "text/plain");
        }

        @Override
        public Reply error(RequestHead head, Throwable failure) {
            int status = failure instanceof SecurityException ? 403
                    : failure instanceof java.util.concurrent.RejectedExecutionException ? 503
                    : failure instanceof FrontDoorHandler.RequestTimeoutException ? 400 : 500;
            return Reply.status(status).body(String.valueOf(failure).getBytes(StandardCharsets.UTF_8), "text/plain");
        }
    }

    /** Queues tasks; the test runs them one at a time. */
    private static final class ManualPool extends AbstractExecutorService {
        private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
        int executed;
        private boolean shutdown;

        @Override
        public void execute(Runnable command) {
            tasks.add(command);
        }

        boolean runOne() {
            Runnable r = tasks.poll();
            if (r == null) {
                return false;
            }
            executed++;
            r.run();
            return true;
        }

        int pending() {
            return tasks.size();
        }

        @Override
        public void shutdown() {
            shutdown = true;
        }

        @Override
        public List<Runnable> shutdownNow() {
            shutdown = true;
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return shutdown;
        }

        @Override
        public boolean isTerminated() {
            return shutdown;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }
    }
}
