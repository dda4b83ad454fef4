package dev.dualkey.gateway.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.storage.Expectations;
import dev.dualkey.storage.ObjectWriter;
import dev.dualkey.storage.WriteOptions;
import dev.dualkey.storage.error.InvalidArgumentException;
import dev.dualkey.storage.error.NoSuchVersionException;
import dev.dualkey.storage.model.BucketInfo;
import dev.dualkey.storage.model.MfaDeleteState;
import dev.dualkey.storage.model.ObjectMetadata;
import dev.dualkey.storage.model.ObjectVersion;
import dev.dualkey.storage.model.VersioningState;
import dev.dualkey.storage.shared.MemoryKv;
import dev.dualkey.testkit.MotoServer;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two upstream stores over one upstream and one shared state, as two gateways are (each with its own locks): a
 * configuration change made by the other gateway between a delete's precondition and its commit makes the delete
 * decide again on the new configuration (the index transaction compares the bucket record with the one it read), and a
 * version deleted through one gateway is gone for the other and upstream.
 */
class TwoGatewaysTest {
    private static final String OWNER = "111122223333";

    @TempDir
    Path spool;
    private UpstreamObjectStore g1;
    private UpstreamObjectStore g2;

    @BeforeEach
    void open() throws Exception {
        MotoServer moto = MotoServer.shared(getClass().getSimpleName());
        moto.reset();
        UpstreamSettings s = MotoUpstream.settings(moto, spool);
        MemoryKv shared = new MemoryKv();
        g1 = UpstreamObjectStore.open(s, shared, Clock.systemUTC());
        g2 = UpstreamObjectStore.open(s, shared, Clock.systemUTC());
    }

    @AfterEach
    void close() {
        g1.close();
        g2.close();
    }

    private static ObjectVersion put(UpstreamObjectStore g, String bucket, String key, String text) {
        byte[] data = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (ObjectWriter w = g.newObjectWriter(bucket, key, ObjectMetadata.empty(), WriteOptions.defaults())) {
            w.write(ByteBuffer.wrap(data));
            return w.commit(Expectations.none().withContentLength(data.length));
        }
    }

    @Test
    void aConfigurationChangeOnTheOtherGatewayMakesTheDeleteDecideAgain() {
        g1.createBucket("twogw", OWNER, "us-east-1");
        g1.updateBucket("twogw", c -> c.withVersioning(VersioningState.ENABLED));
        ObjectVersion v = put(g2, "twogw", "k", "one");
        List<MfaDeleteState> seen = new ArrayList<>();
        // The "MFA Delete gate" of gateway 1 allows a delete while MFA Delete is off. While it decides, gateway 2
        // turns MFA Delete on: the delete must not commit on the decision made before.
        InvalidArgumentException refused = assertThrows(InvalidArgumentException.class,
                () -> g1.deleteObject("twogw", "k", v.versionId(), (BucketInfo b) -> {
                    seen.add(b.mfaDelete());
                    if (seen.size() == 1) {
                        g2.updateBucket("twogw", c -> c.withMfaDelete(MfaDeleteState.ENABLED));
                    }
                    if (b.mfaDelete() == MfaDeleteState.ENABLED) {
                        throw new InvalidArgumentException("MFA Delete is on: a code is needed");
                    }
                }));
        assertEquals("MFA Delete is on: a code is needed", refused.getMessage());
        assertEquals(List.of(MfaDeleteState.NEVER_CONFIGURED, MfaDeleteState.ENABLED), seen);
        assertEquals(v.etag(), g2.headObject("twogw", "k", v.versionId()).etag(), "the version survived");
        assertTrue(g2.upstreamHasRawVersion("twogw", "k", v.versionId()));
    }

    @Test
    void aVersionDeletedThroughOneGatewayIsGoneForTheOtherAndUpstream() {
        g1.createBucket("twogw", OWNER, "us-east-1");
        g1.updateBucket("twogw", c -> c.withVersioning(VersioningState.ENABLED));
        ObjectVersion v1 = put(g1, "twogw", "k", "one");
        ObjectVersion v2 = put(g2, "twogw", "k", "two");
        assertEquals(v2.versionId(), g1.headObject("twogw", "k", null).versionId(), "g2's put is g1's latest");
        g1.deleteObject("twogw", "k", v1.versionId());
        assertThrows(NoSuchVersionException.class, () -> g2.headObject("twogw", "k", v1.versionId()));
        assertTrue(!g2.upstreamHasRawVersion("twogw", "k", v1.versionId()), "gone upstream too");
        assertEquals(1, g2.listObjectVersions("twogw",
                new dev.dualkey.storage.model.ListVersionsQuery("", null, null, null, 1000)).versions().size());
    }
}
