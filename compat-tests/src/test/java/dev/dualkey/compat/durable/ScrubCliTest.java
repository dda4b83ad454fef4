package dev.dualkey.compat.durable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dualkey.compat.Clients;
import dev.dualkey.gateway.identity.IdentityStore;
import dev.dualkey.storage.crypto.SealedLayout;
import dev.dualkey.storage.rocks.Codecs;
import dev.dualkey.storage.rocks.ColumnFamilySpec;
import dev.dualkey.storage.rocks.KvEntry;
import dev.dualkey.storage.rocks.KvIterator;
import dev.dualkey.storage.rocks.RocksDatabase;
import dev.dualkey.storage.rocks.Schema;
import dev.dualkey.storage.rocks.Table;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code dualkey admin scrub} on a running server (through the admin channel) and offline: clean data exits 0;
 * a byte flipped in a blob file is reported with bucket, key and version (exit 1) both ways; the human output
 * names it too, and the progress bar is drawn when asked. Offline, a byte flipped in a sealed inline value (in
 * the metadata database) is a second finding naming that object. The server encrypts at rest by default, so the data
 * scrubbed is sealed: scrub checks its GCM tags and the plaintext's MD5 (none is left unverified).
 */
class ScrubCliTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(120) // hang detector only
    void scrubFindsAFlippedByteOnlineAndOffline() throws Exception {
        Path data = dir.resolve("data");
        String versionId;
        try (ServeProcess s = ServeProcess.start(data, Map.of()); S3Client s3 = Clients.v2(s.endpoint())) {
            s3.createBucket(b -> b.bucket("scrubbed"));
            s3.putBucketVersioning(v -> v.bucket("scrubbed").versioningConfiguration(c -> c.status("Enabled")));
            Random rnd = new Random(9);
            for (int i = 0; i < 5; i++) {
                byte[] body = new byte[i == 0 ? 300_000 : 1000 + i];
                rnd.nextBytes(body);
                s3.putObject(p -> p.bucket("scrubbed").key("obj" + body.length), RequestBody.fromBytes(body));
            }
            versionId = s3.headObject(h -> h.bucket("scrubbed").key("obj300000")).versionId();

            AdminCli clean = AdminCli.run("admin", "scrub", "--data-dir", data.toString(), "--json");
            assertEquals(0, clean.exitCode(), clean.err() + clean.out());
            assertEquals("server", clean.json().path("through").asText());
            assertEquals(5, clean.json().path("versions").asLong());
            assertEquals(0, clean.json().path("unverifiable").asLong(), "SSE-S3 data is verified, not skipped");

            flipAByteOfTheBlob(data, 300_000);
            AdminCli bad = AdminCli.run("admin", "scrub", "--data-dir", data.toString(), "--rate", "0",
                    "--progress", "always");
            assertEquals(1, bad.exitCode(), bad.err() + bad.out());
            assertTrue(bad.out().contains("WRONG_CHECKSUM scrubbed/obj300000 version " + versionId), bad.out());
            assertTrue(bad.err().contains("scrub [") && bad.err().contains("100%"), "progress bar: " + bad.err());
        }
        String inlineKey = flipAByteOfOneSealedInlineValue(data);
        AdminCli offline = AdminCli.run("admin", "scrub", "--data-dir", data.toString(), "--json");
        assertEquals(1, offline.exitCode(), offline.err());
        JsonNode r = offline.json();
        assertEquals("offline", r.path("through").asText());
        assertEquals(0, r.path("unverifiable").asLong(), "offline, the master key file decrypts: " + r);
        assertEquals(2, r.path("findings").size(), r.toString());
        JsonNode first = r.path("findings").get(0);
        boolean blobFirst = first.path("key").asText().equals("obj300000"); // findings come in key order
        JsonNode f = blobFirst ? first : r.path("findings").get(1);
        assertEquals(List.of("WRONG_CHECKSUM", "scrubbed", "obj300000", versionId), List.of(f.path("problem").asText(),
                f.path("bucket").asText(), f.path("key").asText(), f.path("versionId").asText()));
        JsonNode g = blobFirst ? r.path("findings").get(1) : first;
        assertEquals(List.of("WRONG_CHECKSUM", "scrubbed", inlineKey), List.of(g.path("problem").asText(),
                g.path("bucket").asText(), g.path("key").asText()));
        assertTrue(g.path("detail").asText().contains("inline"), g.toString());
        AdminCli missing = AdminCli.run("admin", "scrub", "--data-dir", dir.resolve("nothing").toString());
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("no data directory"), missing.err());
    }

    /**
     * Flips a byte in the middle of the blob of a {@code size}-byte object. The server encrypts at rest by default,
     * so the file is sealed ({@code .s1}, {@link SealedLayout#sealedLength} bytes): the byte lands in a chunk's
     * ciphertext and fails its GCM tag.
     */
    /**
     * With no server running: flips a ciphertext byte of the first sealed inline value in the metadata database
     * (the four small objects are inline). Returns the key of that object, found by reading them all back with the
     * same data directory opened by the storage engine.
     */
    static String flipAByteOfOneSealedInlineValue(Path data) {
        List<ColumnFamilySpec> families = new ArrayList<>(Schema.FAMILIES);
        families.addAll(IdentityStore.FAMILIES);
        try (RocksDatabase db = RocksDatabase.open(data.resolve("db"), families)) {
            Table<byte[], byte[]> inline = db.table(Schema.INLINE, Codecs.BYTES, Codecs.BYTES);
            KvEntry<byte[], byte[]> first;
            try (KvIterator<byte[], byte[]> it = inline.scanRaw(null, null)) {
                first = it.next();
            }
            byte[] sealed = first.value().clone();
            assertTrue(new String(sealed, 0, 4, java.nio.charset.StandardCharsets.US_ASCII).equals("DKS1"),
                    "inline values are sealed");
            sealed[SealedLayout.HEADER_BYTES + 7] ^= 1;
            inline.put(first.key(), sealed);
            long plain = sealed.length - SealedLayout.HEADER_BYTES - SealedLayout.TAG_BYTES;
            return "obj" + plain;
        }
    }

    static void flipAByteOfTheBlob(Path data, long size) throws Exception {
        Path blob;
        long sealed = SealedLayout.sealedLength(size, SealedLayout.CHUNK_SHIFT);
        try (Stream<Path> s = Files.walk(data.resolve("blobs"))) {
            blob = s.filter(Files::isRegularFile).filter(p -> {
                try {
                    return Files.size(p) == sealed
                            && p.getFileName().toString().endsWith(SealedLayout.BLOB_ID_SUFFIX);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).findFirst().orElseThrow();
        }
        try (RandomAccessFile f = new RandomAccessFile(blob.toFile(), "rw")) {
            f.seek(size / 2);
            int b = f.read();
            f.seek(size / 2);
            f.write(b ^ 1);
        }
    }
}
