package dev.dualkey.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.storage.DataSegment;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.stream.ChunkedWriteHandler;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The one-message write of a body already in memory (issue 19) sends the same bytes as the streamed write did, and
 * the cached Date header is the formatter's value of the current second.
 */
class ResponseWriterTest {

    /** A writer's view of the channel: encoder and chunked writer as in the real pipeline. */
    private static EmbeddedChannel channel(ChannelHandlerContext[] ctx) {
        return new EmbeddedChannel(new HttpResponseEncoder(), new ChunkedWriteHandler(),
                new ChannelInboundHandlerAdapter() {
                    @Override
                    public void handlerAdded(ChannelHandlerContext c) {
                        ctx[0] = c;
                    }
                });
    }

    private static String written(EmbeddedChannel ch) {
        StringBuilder out = new StringBuilder();
        for (Object o; (o = ch.readOutbound()) != null; ) {
            ByteBuf b = (ByteBuf) o;
            out.append(b.toString(StandardCharsets.ISO_8859_1));
            b.release();
        }
        return out.toString();
    }

    /**
     * Writes a reply of {@code segments} ({@code length} bytes, an ETag when given) through the real encoder and
     * returns the bytes on the wire; {@code released} counts the body's release calls.
     */
    private static String send(List<DataSegment> segments, long length, String etag, boolean keepAlive,
                               AtomicInteger released) {
        ChannelHandlerContext[] ctx = new ChannelHandlerContext[1];
        EmbeddedChannel ch = channel(ctx);
        Reply reply = Reply.status(200);
        if (etag != null) {
            reply.header("ETag", etag);
        }
        reply.streamed(new Reply.StreamedBody(segments, length, released::incrementAndGet));
        assertTrue(ResponseWriter.write(ctx[0], null, reply, keepAlive, false).isSuccess());
        String wire = written(ch);
        ch.finishAndReleaseAll();
        return wire;
    }

    @Test
    void inlineSegmentsGoOutAsOneFullResponseAndAreReleasedOnce() {
        AtomicInteger released = new AtomicInteger();
        ByteBuffer first = ByteBuffer.wrap("hello, ".getBytes(StandardCharsets.US_ASCII)).asReadOnlyBuffer();
        ByteBuffer second = ByteBuffer.wrap("world".getBytes(StandardCharsets.US_ASCII)).asReadOnlyBuffer();
        String wire = send(List.of(new DataSegment.Inline(first), new DataSegment.Inline(second)), 12, "\"e\"",
                true, released);
        assertTrue(wire.startsWith("HTTP/1.1 200 OK\r\n"), wire);
        assertTrue(wire.contains("\r\ncontent-length: 12\r\n"), wire);
        assertTrue(wire.contains("\r\nETag: \"e\"\r\n"), wire);
        assertTrue(wire.endsWith("\r\n\r\nhello, world"), wire);
        assertEquals(1, released.get());
    }

    @Test
    void emptyInlineBodyCarriesContentLengthZero() {
        AtomicInteger released = new AtomicInteger();
        String wire = send(List.of(), 0, null, false, released);
        assertTrue(wire.contains("\r\ncontent-length: 0\r\n"), wire);
        assertTrue(wire.contains("\r\nconnection: close\r\n"), wire);
        assertTrue(wire.endsWith("\r\n\r\n"), wire);
        assertEquals(1, released.get());
    }

    @Test
    void bodyInPartsGoesOutAsTheJoinedBytesWithTheirLength() {
        ChannelHandlerContext[] ctx = new ChannelHandlerContext[1];
        EmbeddedChannel ch = channel(ctx);
        byte[] a = "<?xml?><R>xx".getBytes(StandardCharsets.US_ASCII);
        byte[] b = "<K>k</K>yyyy".getBytes(StandardCharsets.US_ASCII);
        // parts over the used start of larger arrays, as XmlWriter's chunks are
        Reply reply = Reply.status(200).body(new ByteBuffer[] {ByteBuffer.wrap(a, 0, 10), ByteBuffer.wrap(b, 0, 8),
            ByteBuffer.wrap("</R>".getBytes(StandardCharsets.US_ASCII))}, "application/xml");
        assertTrue(ResponseWriter.write(ctx[0], null, reply, true, false).isSuccess());
        String wire = written(ch);
        assertTrue(wire.contains("\r\ncontent-length: 22\r\n"), wire);
        assertTrue(wire.contains("\r\nContent-Type: application/xml\r\n"), wire);
        assertTrue(wire.endsWith("\r\n\r\n<?xml?><R><K>k</K></R>"), wire);
        // the parts are untouched by the write: a second write and body() give the same bytes
        assertEquals("<?xml?><R><K>k</K></R>", new String(reply.body(), StandardCharsets.US_ASCII));
        assertTrue(ResponseWriter.write(ctx[0], null, reply, true, false).isSuccess());
        assertTrue(written(ch).endsWith("\r\n\r\n<?xml?><R><K>k</K></R>"));
        ch.finishAndReleaseAll();
    }

    @Test
    void dateHeaderIsTheImfFixdateOfItsSecond() {
        long[] instants = {0L, 999L, 1000L, 1_764_758_399_999L, 1_764_758_400_000L, 1_764_758_400_500L,
                1_764_758_399_000L, 1_796_454_062_000L};
        for (long millis : instants) {
            String expected = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).format(
                    ZonedDateTime.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC));
            assertEquals(expected, ResponseWriter.httpDate(millis), "at " + millis);
        }
        assertEquals("Thu, 01 Jan 1970 00:00:00 GMT", ResponseWriter.httpDate(999L));
        assertEquals("Sat, 05 Dec 2026 07:01:02 GMT", ResponseWriter.httpDate(1_796_454_062_000L),
                "the day keeps its leading zero (RFC 9110 IMF-fixdate; rclone's Go parser refused '5 Dec')");
    }

    @Test
    void requestIdsAreSixteenUpperCaseHexDigits() {
        for (int i = 0; i < 1000; i++) {
            String id = FrontDoorHandler.newRequestId();
            assertTrue(id.matches("[0-9A-F]{16}"), id);
        }
    }
}
