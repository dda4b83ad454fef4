package dev.dualkey.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The request stall: with autoRead off the front door must always have asked for the next message while it
 * waits for one, whatever the TCP segmentation of the request. A simulated socket at the head of the real
 * pipeline delivers bytes only when a read is demanded, one arrival per socket read (and sometimes an empty
 * read, as a TLS record without application data gives), and the storage executor runs on the calling thread,
 * so each pattern runs to quiescence deterministically: the test fails if bytes stay unread and a response is
 * missing, which is exactly the production symptom (sockets holding one unread 4 KiB body or a single byte).
 */
class ReadDemandTest {
    private static final int BODY = 4141; // one 4 KiB body in the SDK's aws-chunked encoding

    /** Every split point of head+body into two arrivals, for aggregated and streamed exchanges. */
    @Test
    void everyTwoWaySplitOfOneRequestIsAnswered() {
        for (String mode : List.of("aggregate", "stream")) {
            byte[] request = put("/b/k", mode, BODY, false);
            for (int cut = 1; cut < request.length; cut += cut < 400 ? 1 : 97) {
                Run run = new Run();
                run.arrive(Arrays.copyOfRange(request, 0, cut));
                run.arrive(Arrays.copyOfRange(request, cut, request.length));
                run.drive();
                run.assertAnswered(List.of(BODY), mode + " cut at " + cut);
            }
        }
    }

    /** The head's last byte arrives alone (the "one unread byte" sockets), with empty reads in between. */
    @Test
    void headEndingInItsOwnSegmentWithEmptyReadsIsAnswered() {
        for (String mode : List.of("aggregate", "stream")) {
            byte[] request = put("/b/k", mode, BODY, false);
            int headEnd = indexOfBody(request);
            Run run = new Run();
            run.arrive(Arrays.copyOfRange(request, 0, headEnd - 1));
            run.emptyRead();
            run.arrive(Arrays.copyOfRange(request, headEnd - 1, headEnd));
            run.emptyRead();
            run.arrive(Arrays.copyOfRange(request, headEnd, headEnd + 100));
            run.emptyRead();
            run.arrive(Arrays.copyOfRange(request, headEnd + 100, request.length));
            run.drive();
            run.assertAnswered(List.of(BODY), mode);
        }
    }

    /** Expect: 100-continue: the head alone, the body only after the interim response (what the SDK does). */
    @Test
    void expectContinueHeadThenBodyIsAnswered() {
        for (String mode : List.of("aggregate", "stream")) {
            byte[] request = put("/b/k", mode, BODY, true);
            int headEnd = indexOfBody(request);
            Run run = new Run();
            run.arrive(Arrays.copyOfRange(request, 0, headEnd));
            run.drive();
            assertTrue(run.output().startsWith("HTTP/1.1 100 Continue"), mode + ": " + run.output());
            run.arrive(Arrays.copyOfRange(request, headEnd, request.length));
            run.drive();
            run.assertAnswered(List.of(BODY), mode);
        }
    }

    /** Keep-alive: two requests pipelined, split inside the second one at every tenth byte. */
    @Test
    void pipelinedRequestsSplitAnywhereAreAllAnswered() {
        byte[] first = put("/b/a", "aggregate", 100, false);
        byte[] second = put("/b/b", "stream", 300, false);
        byte[] both = concat(first, second);
        for (int cut = 1; cut < both.length; cut += 10) {
            Run run = new Run();
            run.arrive(Arrays.copyOfRange(both, 0, cut));
            run.arrive(Arrays.copyOfRange(both, cut, both.length));
            run.drive();
            run.assertAnswered(List.of(100, 300), "cut at " + cut);
        }
        Run together = new Run();
        together.arrive(both);
        together.drive();
        together.assertAnswered(List.of(100, 300), "one segment");
    }

    /** A body in many small arrivals, each read separately. */
    @Test
    void bodyInManySmallArrivalsIsAnswered() {
        byte[] request = put("/b/k", "stream", 70_000, false);
        Run run = new Run();
        for (int i = 0; i < request.length; i += 1000) {
            run.arrive(Arrays.copyOfRange(request, i, Math.min(request.length, i + 1000)));
        }
        run.drive();
        run.assertAnswered(List.of(70_000), "1000-byte arrivals");
    }

    private static byte[] put(String path, String mode, int length, boolean expectContinue) {
        String head = "PUT " + path + " HTTP/1.1\r\nHost: localhost\r\nx-test-mode: " + mode + "\r\n"
                + (expectContinue ? "Expect: 100-continue\r\n" : "") + "Content-Length: " + length + "\r\n\r\n";
        byte[] body = new byte[length];
        Arrays.fill(body, (byte) 'x');
        return concat(head.getBytes(StandardCharsets.US_ASCII), body);
    }

    private static int indexOfBody(byte[] request) {
        String s = new String(request, StandardCharsets.ISO_8859_1);
        return s.indexOf("\r\n\r\n") + 4;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** One connection through the production pipeline behind a simulated socket. */
    private static final class Run {
        private final SimulatedSocket socket = new SimulatedSocket();
        private final EmbeddedChannel channel;
        private final ByteArrayOutputStream written = new ByteArrayOutputStream();

        Run() {
            channel = new EmbeddedChannel(false, false);
            channel.config().setAutoRead(false);
            StorageExecutor executor = new StorageExecutor(new SameThreadPool());
            channel.pipeline().addLast(socket, new HttpServerCodec(16 * 1024, 64 * 1024, 64 * 1024),
                    new FlowControlHandler(),
                    new FrontDoorHandler(List.of(new EchoLength()), executor, false, new NoCount()));
            try {
                channel.register();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        void arrive(byte[] bytes) {
            socket.arrivals.add(bytes);
        }

        void emptyRead() {
            socket.arrivals.add(new byte[0]);
        }

        /** Runs socket reads and executor hand-backs until nothing more can happen. */
        void drive() {
            for (int steps = 0; steps < 100_000; steps++) {
                channel.runPendingTasks();
                if (!socket.readOne()) {
                    channel.runPendingTasks();
                    if (!socket.readOne()) {
                        break;
                    }
                }
            }
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

        void assertAnswered(List<Integer> lengths, String what) {
            String out = output();
            List<Integer> got = new ArrayList<>();
            Matcher m = Pattern.compile("HTTP/1\\.1 200 OK\\r\\n(?:[^\\r]*\\r\\n)*?\\r\\nlen:(\\d+);").matcher(out);
            while (m.find()) {
                got.add(Integer.parseInt(m.group(1)));
            }
            assertEquals(0, socket.unreadBytes(), what + ": bytes left unread; output: " + out);
            assertEquals(lengths, got, what + ": output: " + out);
            assertTrue(channel.isOpen(), what + ": connection closed");
            channel.finishAndReleaseAll();
        }
    }

    /**
     * Stands in for the kernel socket: bytes that "arrived" are handed to the pipeline only after a read() was
     * demanded, one arrival per socket read followed by channelReadComplete, like NIO with autoRead off.
     */
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
            readDemanded = true; // like interest in OP_READ: served by the next event-loop turn
        }

        boolean readOne() {
            if (!readDemanded || arrivals.isEmpty()) {
                return false;
            }
            readDemanded = false;
            byte[] bytes = arrivals.poll();
            if (bytes.length > 0) {
                ctx.fireChannelRead(Unpooled.wrappedBuffer(bytes));
            }
            ctx.fireChannelReadComplete();
            return true;
        }

        int unreadBytes() {
            return arrivals.stream().mapToInt(a -> a.length).sum();
        }
    }

    /** Answers {@code len:N;} with the body length, aggregated or streamed as the request asks. */
    private static final class EchoLength implements Endpoint {
        @Override
        public boolean accepts(HttpRequest head) {
            return true;
        }

        @Override
        public Exchange begin(RequestHead head) {
            if ("stream".equals(head.header("x-test-mode"))) {
                return new Exchange.Streaming() {
                    private long n;

                    @Override
                    public void onData(ByteBuffer data) {
                        n += data.remaining();
                    }

                    @Override
                    public Reply finish() {
                        return answer(n);
                    }

                    @Override
                    public void abort() {
                    }
                };
            }
            return new Exchange.Aggregated() {
                @Override
                public long maxBodyBytes() {
                    return 1 << 20;
                }

                @Override
                public Reply complete(byte[] body) {
                    return answer(body.length);
                }
            };
        }

        private static Reply answer(long n) {
            return Reply.status(200).body(("len:" + n + ";").getBytes(StandardCharsets.US_ASCII), "text/plain");
        }

        @Override
        public Reply error(RequestHead head, Throwable failure) {
            return Reply.status(500).body(String.valueOf(failure).getBytes(StandardCharsets.UTF_8), "text/plain");
        }
    }

    private static final class NoCount implements FrontDoorHandler.InFlight {
        @Override
        public void started() {
        }

        @Override
        public void finished() {
        }
    }

    /** Runs each task at once on the submitting thread. */
    private static final class SameThreadPool extends AbstractExecutorService {
        private boolean shutdown;

        @Override
        public void execute(Runnable command) {
            command.run();
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
