package dev.dualkey.gateway.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.storage.model.DeleteOutcome;
import dev.dualkey.storage.model.ListVersionsQuery;
import dev.dualkey.storage.model.ListVersionsPage;
import dev.dualkey.storage.model.VersioningState;
import dev.dualkey.storage.shared.MemoryKv;
import dev.dualkey.testkit.MotoServer;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plain DELETE of a key that has no version, in a versioned bucket, adds a delete marker (as S3 does) even when
 * the upstream adds none for a key it has never seen (moto): the marker has an upstream version id, is listed, and
 * the listing keeps working (a marker without an id broke every ListObjectVersions of the bucket with a 500; found
 * by the MFA Delete suite in cluster mode).
 */
class DeleteMarkerOfAnUnknownKeyTest {
    @TempDir
    Path spool;
    private UpstreamObjectStore store;
    private MotoServer moto;

    @BeforeEach
    void open() throws Exception {
        moto = MotoServer.shared(getClass().getSimpleName());
        moto.reset();
        store = UpstreamObjectStore.open(MotoUpstream.settings(moto, spool), new MemoryKv(), Clock.systemUTC());
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aMarkerForAKeyWithoutVersionsIsAnUpstreamVersion() {
        store.createBucket("markers", "111122223333", "us-east-1");
        store.updateBucket("markers", c -> c.withVersioning(VersioningState.ENABLED));
        DeleteOutcome first = store.deleteObject("markers", "never-written", null);
        DeleteOutcome second = store.deleteObject("markers", "never-written", null);
        assertTrue(first.deleteMarker() && first.markerCreated());
        assertNotNull(first.versionId());
        assertNotNull(second.versionId());
        try (software.amazon.awssdk.services.s3.S3Client direct = software.amazon.awssdk.services.s3.S3Client.builder()
                .endpointOverride(moto.endpoint()).forcePathStyle(true)
                .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("test", "test"))).build()) {
            var upstream = direct.listObjectVersions(b -> b.bucket(store.upstreamBucket("markers")));
            assertEquals(java.util.Set.of(first.versionId(), second.versionId()), upstream.deleteMarkers().stream()
                    .map(m -> m.versionId()).collect(java.util.stream.Collectors.toSet()), "both markers upstream");
            assertTrue(upstream.versions().isEmpty(), "the placeholder is gone: " + upstream.versions());
        }
        ListVersionsPage page = store.listObjectVersions("markers", new ListVersionsQuery("", null, null, null, 1000));
        assertEquals(2, page.versions().size());
        assertEquals(second.versionId(), page.versions().get(0).versionId());
        assertTrue(page.versions().stream().allMatch(v -> v.deleteMarker()));
    }
}
