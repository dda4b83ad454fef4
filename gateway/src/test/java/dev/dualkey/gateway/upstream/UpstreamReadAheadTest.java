package dev.dualkey.gateway.upstream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.storage.DataSegment;
import dev.dualkey.storage.Expectations;
import dev.dualkey.storage.ObjectReader;
import dev.dualkey.storage.ObjectWriter;
import dev.dualkey.storage.WriteOptions;
import dev.dualkey.storage.model.ObjectMetadata;
import dev.dualkey.storage.shared.MemoryKv;
import dev.dualkey.testkit.MotoServer;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GET data from the upstream never makes its consumer wait on the network when it asks first: a segment is not
 * {@code ready()} until read ahead, {@code whenReady} fires when a chunk arrived (the gateway's event loop then
 * resumes the transfer), and pulling only when ready yields exactly the object's bytes.
 */
class UpstreamReadAheadTest {
    @TempDir
    Path spool;

    @Test
    void segmentsAreReadAheadAndPulledOnlyWhenReady() throws Exception {
        MotoServer moto = MotoServer.shared(getClass().getSimpleName());
        moto.reset();
        UpstreamSettings s = MotoUpstream.settings(moto, spool);
        try (UpstreamObjectStore store = UpstreamObjectStore.open(s, new MemoryKv(), Clock.systemUTC())) {
            store.createBucket("readahead", "111122223333", "us-east-1");
            byte[] data = new byte[1_000_000];
            new Random(3).nextBytes(data);
            try (ObjectWriter w = store.newObjectWriter("readahead", "k", ObjectMetadata.empty(),
                    WriteOptions.defaults())) {
                w.write(ByteBuffer.wrap(data));
                w.commit(Expectations.none().withContentLength(data.length));
            }
            try (ObjectReader r = store.openObject("readahead", "k", null)) {
                List<DataSegment> segs = r.read(0, data.length);
                assertEquals(1, segs.size());
                DataSegment.PlainChunks chunks = ((DataSegment.Decrypted) segs.get(0)).chunks();
                assertFalse(chunks.ready(), "nothing is fetched before the first pull");
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                int waits = 0;
                while (got.size() < data.length) {
                    if (!chunks.ready()) {
                        CountDownLatch ready = new CountDownLatch(1);
                        chunks.whenReady(ready::countDown);
                        assertTrue(ready.await(30, TimeUnit.SECONDS), "whenReady fired");
                        waits++;
                    }
                    assertTrue(chunks.ready());
                    ByteBuffer b = chunks.next();
                    got.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
                }
                assertEquals(null, chunks.next());
                assertArrayEquals(data, got.toByteArray());
                assertTrue(waits >= 1);
                assertEquals(1, store.pinnedCount(), "the reader pins its version");
            }
            assertEquals(0, store.pinnedCount());
        }
    }
}
