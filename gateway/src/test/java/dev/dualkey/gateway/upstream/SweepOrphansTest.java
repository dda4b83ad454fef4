package dev.dualkey.gateway.upstream;

import dev.dualkey.gateway.identity.MutableClock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dualkey.gateway.admin.AdminFailure;
import dev.dualkey.gateway.admin.SweepOrphansJob;
import dev.dualkey.storage.Expectations;
import dev.dualkey.storage.ObjectReader;
import dev.dualkey.storage.ObjectWriter;
import dev.dualkey.storage.WriteOptions;
import dev.dualkey.storage.model.MfaDeleteState;
import dev.dualkey.storage.model.ObjectMetadata;
import dev.dualkey.storage.model.ObjectVersion;
import dev.dualkey.storage.model.VersioningState;
import dev.dualkey.storage.shared.MemoryKv;
import dev.dualkey.testkit.MotoServer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code dualkey admin sweep-orphans}' server side ({@link SweepOrphansJob} over the store's running sweeper, as
 * {@code serve} registers it): a dry run lists and removes nothing, a real run removes only what the index does not
 * reference and has been unreferenced for the whole grace; {@code --orphan-grace}'s bounds. And the attack: a thief
 * holding a client's access key (no MFA device) cannot make a sweep remove a referenced version (SECURITY.md U12).
 */
class SweepOrphansTest {
    private static final String BUCKET = "sweep";
    private static final Duration GRACE = Duration.ofMinutes(30);

    /** What the gateway's MFA Delete gate answers a delete without a code (403 AccessDenied on the wire). */
    private static final class MfaRequired extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    @TempDir
    Path spool;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-03T08:00:00Z"));
    private final MemoryKv kv = new MemoryKv();
    private UpstreamObjectStore store;
    private S3Client direct;

    @BeforeEach
    void open() throws Exception {
        MotoServer moto = MotoServer.shared(getClass().getSimpleName());
        moto.reset();
        UpstreamSettings s = MotoUpstream.settings(moto, spool);
        store = UpstreamObjectStore.open(s, kv, clock);
        store.createBucket(BUCKET, "111122223333", "us-east-1");
        store.updateBucket(BUCKET, c -> c.withVersioning(VersioningState.ENABLED));
        direct = MotoUpstream.directClient(moto);
    }

    @AfterEach
    void close() {
        direct.close();
        store.close();
    }

    private ObjectVersion put(String key, String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        try (ObjectWriter w = store.newObjectWriter(BUCKET, key, ObjectMetadata.empty(), WriteOptions.defaults())) {
            w.write(ByteBuffer.wrap(b));
            return w.commit(Expectations.none().withContentLength(b.length));
        }
    }

    /** What a gateway killed between its upstream write and its index commit leaves. */
    private String orphan(String key) {
        return direct.putObject(r -> r.bucket(store.upstreamBucket(BUCKET)).key(key), RequestBody.fromString("o"))
                .versionId();
    }

    private JsonNode sweep(boolean dryRun) {
        ObjectNode args = JsonNodeFactory.instance.objectNode();
        args.put("dryRun", dryRun);
        return SweepOrphansJob.handler(store).handle(args, e -> { });
    }

    @Test
    void withoutARunningSweeperTheCommandIsRefused() {
        AdminFailure refused = assertThrows(AdminFailure.class, () -> sweep(false));
        assertTrue(refused.getMessage().contains("no orphan sweeper"), refused.getMessage());
    }

    @Test
    void aDryRunRemovesNothingAndARealRunOnlyWhatIsUnreferencedForTheWholeGrace() {
        store.startOrphanSweeper(GRACE, Duration.ofDays(1)); // its timer never fires here: the command drives it
        ObjectVersion kept = put("k", "kept");
        String orphan = orphan("k");

        JsonNode first = sweep(true);
        assertEquals(true, first.path("dryRun").asBoolean());
        assertEquals(GRACE.toSeconds(), first.path("graceSeconds").asLong());
        assertEquals(2, first.path("versionsSeen").asInt());
        assertEquals(0, first.path("versionsRemoved").asInt(), "first sighting: the grace starts");
        assertEquals(1, first.path("items").size());
        JsonNode item = first.path("items").get(0);
        assertEquals("version", item.path("kind").asText());
        assertEquals(orphan, item.path("id").asText());
        assertEquals(clock.instant().toString(), item.path("firstSeen").asText());
        assertEquals(clock.instant().plus(GRACE).toString(), item.path("due").asText());
        assertFalse(item.path("removed").asBoolean());

        clock.advance(GRACE);
        JsonNode dry = sweep(true);
        assertEquals(1, dry.path("versionsRemoved").asInt(), "would remove");
        assertTrue(dry.path("items").get(0).path("removed").asBoolean());
        assertTrue(store.upstreamHasRawVersion(BUCKET, "k", orphan), "a dry run removes nothing");

        JsonNode real = sweep(false);
        assertFalse(real.path("dryRun").asBoolean());
        assertEquals(1, real.path("versionsRemoved").asInt());
        assertFalse(store.upstreamHasRawVersion(BUCKET, "k", orphan));
        assertTrue(store.upstreamHasVersion(BUCKET, "k", kept.versionId()), "the referenced version stays");
        assertEquals(0, sweep(false).path("suspects").asInt());
    }

    private int partEntries(dev.dualkey.storage.model.MultipartUpload u) {
        long micros = u.initiated().getEpochSecond() * 1_000_000L + u.initiated().getNano() / 1000;
        byte[] prefix = StateKeys.partsOf(BUCKET, u.key(), micros, u.uploadId());
        return kv.range(prefix, StateKeys.successor(prefix), 100).size();
    }

    private void part(dev.dualkey.storage.model.MultipartUpload u, int n) {
        try (dev.dualkey.storage.PartWriter w = store.newPartWriter(BUCKET, u.key(), u.uploadId(), n)) {
            w.write(ByteBuffer.wrap(new byte[] {(byte) n}));
            w.commit(Expectations.none().withContentLength(1));
        }
    }

    /** A crash between an upload's end (its record removed) and the removal of its part entries. */
    @Test
    void partEntriesWhoseUploadEndedGoAtTheNextPassAndLiveOnesStay() {
        store.startOrphanSweeper(GRACE, Duration.ofDays(1));
        var ended = store.createMultipartUpload(BUCKET, "mp", ObjectMetadata.empty(), WriteOptions.defaults());
        var live = store.createMultipartUpload(BUCKET, "mp", ObjectMetadata.empty(), WriteOptions.defaults());
        for (int n = 1; n <= 3; n++) {
            part(ended, n);
        }
        part(live, 1);
        part(live, 2);
        long micros = ended.initiated().getEpochSecond() * 1_000_000L + ended.initiated().getNano() / 1000;
        assertTrue(kv.commit(java.util.List.of(), java.util.List.of(dev.dualkey.storage.shared.SharedKv.Write.delete(
                StateKeys.upload(BUCKET, "mp", micros, ended.uploadId())))));
        assertEquals(3, sweep(true).path("partEntriesRemoved").asInt());
        assertEquals(3, partEntries(ended), "a dry run removes nothing");
        assertEquals(3, sweep(false).path("partEntriesRemoved").asInt());
        assertEquals(0, partEntries(ended));
        assertEquals(2, partEntries(live));
        assertEquals(2, store.listParts(BUCKET, "mp", live.uploadId(), 0, 100).parts().size());
        assertEquals(0, sweep(false).path("partEntriesRemoved").asInt());
    }

    @Test
    void theGraceIsAtLeastThirtyMinutes() {
        assertEquals(Duration.ofHours(1), OrphanSweeper.parseGrace("1h"));
        assertEquals(Duration.ofMinutes(30), OrphanSweeper.parseGrace("30m"));
        assertEquals(Duration.ofMinutes(150), OrphanSweeper.parseGrace("2h30m"));
        assertEquals(Duration.ofHours(2), OrphanSweeper.parseGrace("PT2H"));
        assertThrows(IllegalArgumentException.class, () -> OrphanSweeper.parseGrace("29m"));
        assertThrows(IllegalArgumentException.class, () -> OrphanSweeper.parseGrace("0"));
        assertThrows(IllegalArgumentException.class, () -> OrphanSweeper.parseGrace("soon"));
        assertEquals(Duration.ofMinutes(15), OrphanSweeper.interval(Duration.ofHours(1)));
        assertEquals(Duration.ofHours(1), OrphanSweeper.interval(Duration.ofHours(24)));
        assertThrows(IllegalArgumentException.class, () -> new OrphanSweeper(store, clock, Duration.ofMinutes(29)));
    }

    /**
     * The attack: a thief with a client's access key but no MFA device wants a protected version gone. The S3 API
     * refuses the permanent delete (MFA Delete, simulated here as the gate's precondition does); what the key can do
     * (a new version on top, a delete marker) leaves the version in the index. The thief cannot reach the admin
     * channel (a Unix socket in the data directory, owner-only: the operator's), and even the operator's sweeps, dry
     * or real, any number of graces later, leave a referenced version: it is readable to the end.
     */
    @Test
    void aStolenKeyCannotMakeASweepRemoveAReferencedVersion() throws Exception {
        store.startOrphanSweeper(GRACE, Duration.ofDays(1));
        store.updateBucket(BUCKET, c -> c.withMfaDelete(MfaDeleteState.ENABLED));
        ObjectVersion precious = put("ledger", "precious");
        // the thief: a permanent delete without a code is refused before the index changes
        assertThrows(MfaRequired.class, () -> store.deleteObject(BUCKET, "ledger",
                precious.versionId(), b -> {
                    if (b.mfaDelete() == MfaDeleteState.ENABLED) {
                        throw new MfaRequired();
                    }
                }));
        // what needs no code: a version on top and a delete marker; the version stays in the index
        put("ledger", "overwritten");
        store.deleteObject(BUCKET, "ledger", null);
        // an upstream object the thief could shape (only gateways hold upstream credentials; assume it anyway)
        orphan("ledger");
        for (int i = 0; i < 4; i++) {
            sweep(true);
            sweep(false);
            clock.advance(GRACE);
        }
        assertTrue(store.upstreamHasVersion(BUCKET, "ledger", precious.versionId()));
        try (ObjectReader r = store.openObject(BUCKET, "ledger", precious.versionId())) {
            assertEquals("precious", new String(r.openStream(0, r.version().size()).readAllBytes(),
                    StandardCharsets.UTF_8));
        }
        assertEquals(3, store.listObjectVersions(BUCKET, new dev.dualkey.storage.model.ListVersionsQuery("", null,
                null, null, 1000)).versions().size(), "precious, overwritten, the delete marker");
    }
}
