package dev.dualkey.storage.blob;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Early writeback of large blobs: queued while writing, invisible in the published bytes, harmless on discard. */
class BlobWritebackTest {
    private static final int PIECE = 1 << 20;

    @Test
    void largeBlobIsWrittenBackEarlyAndPublishedIntact(@TempDir Path dir) throws Exception {
        BlobStore store = new BlobStore(dir, () -> { });
        BlobStore.BlobOutput out = store.create();
        MessageDigest written = MessageDigest.getInstance("SHA-256");
        Random random = new Random(7);
        long total = 2 * BlobStore.WRITEBACK_BYTES + 3 * PIECE;
        for (long n = 0; n < total; n += PIECE) {
            byte[] piece = new byte[PIECE];
            random.nextBytes(piece);
            written.update(piece);
            out.write(ByteBuffer.wrap(piece));
        }
        assertTrue(store.writebacksQueued() >= 1, "writebacks queued: " + store.writebacksQueued());
        assertTrue(store.writebacksQueued() <= total / BlobStore.WRITEBACK_BYTES);
        String id = out.publish();
        byte[] published = Files.readAllBytes(store.pathOf(id));
        assertEquals(total, published.length);
        assertArrayEquals(written.digest(), MessageDigest.getInstance("SHA-256").digest(published));
        assertEquals(0, store.unfinishedCount());
        store.close();
    }

    @Test
    void smallBlobNeedsNoWriteback(@TempDir Path dir) {
        BlobStore store = new BlobStore(dir, () -> { });
        BlobStore.BlobOutput out = store.create();
        out.write(ByteBuffer.wrap(new byte[PIECE]));
        out.publish();
        assertEquals(0, store.writebacksQueued());
        store.close();
    }

    @Test
    void discardWhileAWritebackMayRunLeavesNoFile(@TempDir Path dir) throws Exception {
        BlobStore store = new BlobStore(dir, () -> { });
        BlobStore.BlobOutput out = store.create();
        byte[] piece = new byte[PIECE];
        for (long n = 0; n < BlobStore.WRITEBACK_BYTES; n += PIECE) {
            out.write(ByteBuffer.wrap(piece));
        }
        assertEquals(1, store.writebacksQueued());
        out.discard();
        store.close();
        try (var files = Files.list(dir.resolve("tmp"))) {
            assertFalse(files.findAny().isPresent(), "temp file left");
        }
        // a closed store queues no more writebacks; writing and publishing still work
        BlobStore.BlobOutput after = store.create();
        for (long n = 0; n < BlobStore.WRITEBACK_BYTES; n += PIECE) {
            after.write(ByteBuffer.wrap(piece));
        }
        assertEquals(1, store.writebacksQueued());
        assertEquals(BlobStore.WRITEBACK_BYTES, Files.size(store.pathOf(after.publish())));
    }
}
