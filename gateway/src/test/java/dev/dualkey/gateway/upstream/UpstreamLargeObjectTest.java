package dev.dualkey.gateway.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dualkey.storage.Expectations;
import dev.dualkey.storage.ObjectReader;
import dev.dualkey.storage.ObjectWriter;
import dev.dualkey.storage.WriteOptions;
import dev.dualkey.storage.model.ChecksumAlgorithm;
import dev.dualkey.storage.model.ObjectMetadata;
import dev.dualkey.storage.model.ObjectVersion;
import dev.dualkey.storage.shared.MemoryKv;
import dev.dualkey.testkit.MotoServer;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A single PUT above the multipart threshold goes upstream as a multipart upload of {@code partSize} parts, yet
 * clients see a plain PUT: the ETag is the body's MD5 and the checksum is the whole body's. The body is generated
 * and compared as it streams (64 KiB at a time), so the test itself holds no object in memory.
 *
 * <p>Size: 12 MiB (three upstream parts of 5 MiB) by default; {@code -Ddualkey.upstream.largeMiB=256} with the
 * surefire heap at {@code -Xmx256m} is the long variant that shows the bound (run by hand).
 */
class UpstreamLargeObjectTest {
    private static final int CHUNK = 64 * 1024;

    @TempDir
    Path spool;

    @Test
    void aPutAboveTheThresholdIsAnUpstreamMultipartUploadWithThePlainPutsEtag() throws Exception {
        long size = Long.getLong("dualkey.upstream.largeMiB", 12) * 1024 * 1024 + 123;
        MotoServer moto = MotoServer.shared(getClass().getSimpleName());
        moto.reset();
        UpstreamSettings s = MotoUpstream.settings(moto, spool);
        try (UpstreamObjectStore store = UpstreamObjectStore.open(s, new MemoryKv(), Clock.systemUTC())) {
            store.createBucket("large-objects", "111122223333", "us-east-1");
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            ObjectVersion v;
            try (ObjectWriter w = store.newObjectWriter("large-objects", "big", ObjectMetadata.empty(),
                    WriteOptions.defaults().withChecksums(Set.of(ChecksumAlgorithm.CRC32C)))) {
                Random r = new Random(11);
                byte[] buf = new byte[CHUNK];
                for (long done = 0; done < size; ) {
                    int n = (int) Math.min(CHUNK, size - done);
                    r.nextBytes(buf);
                    md5.update(buf, 0, n);
                    w.write(ByteBuffer.wrap(buf, 0, n));
                    done += n;
                }
                v = w.commit(Expectations.none().withContentLength(size));
            }
            assertEquals(HexFormat.of().formatHex(md5.digest()), v.etag(), "a plain PUT's ETag: the MD5");
            assertEquals(0, v.partsCount());
            assertEquals(size, store.headObject("large-objects", "big", null).size());
            try (ObjectReader reader = store.openObject("large-objects", "big", null);
                 InputStream in = reader.openStream()) {
                Random r = new Random(11);
                byte[] want = new byte[CHUNK];
                byte[] got = new byte[CHUNK];
                for (long done = 0; done < size; ) {
                    int n = (int) Math.min(CHUNK, size - done);
                    r.nextBytes(want);
                    assertEquals(n, in.readNBytes(got, 0, n));
                    for (int i = 0; i < n; i++) {
                        if (want[i] != got[i]) {
                            throw new AssertionError("byte " + (done + i) + " differs");
                        }
                    }
                    done += n;
                }
                assertEquals(-1, in.read());
            }
        }
    }
}
