package dev.dualkey.storage.rocks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.storage.error.StorageIoException;
import dev.dualkey.storage.model.BucketConfig;
import dev.dualkey.storage.model.ChecksumAlgorithm;
import dev.dualkey.storage.model.MfaDeleteState;
import dev.dualkey.storage.model.ObjectMetadata;
import dev.dualkey.storage.model.VersioningState;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Records written before a field was appended still decode: the appended sub-resource documents and per-version
 * attributes are read only when present. Each old layout is built here byte for byte as the old writer wrote it.
 */
class StoreRecordsLayoutTest {
    private static final Instant T = Instant.parse("2026-01-02T03:04:05Z");

    @Test
    void bucketRecordWithoutSubresourcesDecodes() {
        BinaryWriter w = BinaryWriter.withVersion(1);
        w.writeString("b").writeString("111122223333").writeInstant(T).writeString("us-east-1");
        w.writeByte(VersioningState.ENABLED.ordinal()).writeByte(MfaDeleteState.ENABLED.ordinal())
                .writeBoolean(false).writeStringMap(Map.of("k", "v")).writeString("{}");
        StoreRecords.BucketRecord r = StoreRecords.bucketCodec().decode(w.toByteArray());
        assertEquals(VersioningState.ENABLED, r.config().versioning());
        assertEquals("{}", r.config().policyJson());
        assertTrue(r.config().subresources().isEmpty());
    }

    @Test
    void bucketRecordRoundTripsSubresources() {
        BucketConfig c = BucketConfig.initial().withSubresource("cors", "<CORSConfiguration/>")
                .withSubresource("acl", "<AccessControlPolicy/>");
        StoreRecords.BucketRecord in = new StoreRecords.BucketRecord("b", "o", T, "us-east-1", c);
        StoreRecords.BucketRecord out = StoreRecords.bucketCodec().decode(StoreRecords.bucketCodec().encode(in));
        assertEquals(c, out.config());
    }

    @Test
    void versionRecordRoundTripsAttributes() {
        ObjectMetadata m = ObjectMetadata.builder().contentType("text/plain").attribute("acl", "<x/>").build();
        StoreRecords.VersionRecord in = new StoreRecords.VersionRecord(new byte[16], false, false, 3, "e", T, "o", m,
                0, Map.of(), StoreRecords.DataKind.INLINE, null);
        StoreRecords.VersionRecord out = StoreRecords.versionCodec().decode(StoreRecords.versionCodec().encode(in));
        assertEquals(m, out.metadata());
        assertEquals("<x/>", out.metadata().attribute("acl"));
    }

    @Test
    void versionRecordWithoutAttributesDecodes() {
        ObjectMetadata m = ObjectMetadata.builder().contentType("text/plain").attribute("acl", "<x/>").build();
        StoreRecords.VersionRecord in = new StoreRecords.VersionRecord(new byte[16], false, false, 3, "e", T, "o", m,
                0, Map.of(), StoreRecords.DataKind.INLINE, null);
        byte[] now = StoreRecords.versionCodec().encode(in);
        // the old writer stopped before the attribute map: an empty map is 4 bytes (count), "acl"/"<x/>" more
        byte[] empty = StoreRecords.versionCodec().encode(new StoreRecords.VersionRecord(new byte[16], false, false,
                3, "e", T, "o", ObjectMetadata.builder().contentType("text/plain").build(), 0, Map.of(),
                StoreRecords.DataKind.INLINE, null));
        byte[] old = java.util.Arrays.copyOf(empty, empty.length - 4);
        StoreRecords.VersionRecord out = StoreRecords.versionCodec().decode(old);
        assertTrue(out.metadata().attributes().isEmpty());
        assertEquals("text/plain", out.metadata().contentType());
        assertTrue(now.length > empty.length);
    }

    @Test
    void stringsDecodeStraightFromTheRecordAndATruncatedOneIsCorrupt() {
        byte[] b = BinaryWriter.plain().writeString("v/\u00e9\uD83D\uDE00").writeString(null).writeString("")
                .writeString("tail").toByteArray();
        BinaryReader r = BinaryReader.plain(b);
        assertEquals("v/\u00e9\uD83D\uDE00", r.readString());
        assertNull(r.readString());
        assertEquals("", r.readString());
        assertEquals("tail", r.readString());
        assertTrue(!r.hasRemaining());
        BinaryReader cut = BinaryReader.plain(java.util.Arrays.copyOf(b, b.length - 1));
        cut.readString();
        cut.readString();
        cut.readString();
        assertThrows(StorageIoException.class, cut::readString);
    }

    @Test
    void versionChecksumsRoundTripWithAndWithout() {
        ObjectMetadata m = ObjectMetadata.builder().build();
        StoreRecords.VersionRecord none = new StoreRecords.VersionRecord(new byte[16], false, false, 3, "e", T, "o",
                m, 0, Map.of(), StoreRecords.DataKind.INLINE, null);
        StoreRecords.VersionRecord two = new StoreRecords.VersionRecord(new byte[16], false, false, 3, "e", T, "o",
                m, 0, Map.of(ChecksumAlgorithm.SHA256, "c2hh", ChecksumAlgorithm.CRC32, "Y3Jj"),
                StoreRecords.DataKind.INLINE, null);
        StoreRecords.VersionRecord outNone = StoreRecords.versionCodec().decode(StoreRecords.versionCodec().encode(none));
        StoreRecords.VersionRecord outTwo = StoreRecords.versionCodec().decode(StoreRecords.versionCodec().encode(two));
        assertTrue(outNone.checksums().isEmpty());
        assertTrue(outNone.toVersion("b", "k", true).checksums().isEmpty());
        assertEquals(two.checksums(), outTwo.checksums());
        assertEquals(two.checksums(), outTwo.toVersion("b", "k", true).checksums());
        // the version's map keeps the algorithms' order (ListObjects writes ChecksumAlgorithm in this order)
        assertEquals(java.util.List.of(ChecksumAlgorithm.CRC32, ChecksumAlgorithm.SHA256),
                java.util.List.copyOf(outTwo.toVersion("b", "k", true).checksums().keySet()));
    }

    @Test
    void uploadAndVersionMetadataDecodeWithAttributesUserMetadataAndTags() {
        ObjectMetadata m = ObjectMetadata.builder().contentType("text/plain").storageClass("STANDARD_IA")
                .userMetadata(Map.of("a", "1")).tags(Map.of("t", "v")).attribute("acl", "<x/>").build();
        StoreRecords.UploadRecord up = StoreRecords.uploadCodec().decode(StoreRecords.uploadCodec().encode(
                new StoreRecords.UploadRecord("o", T, m, ChecksumAlgorithm.CRC32)));
        assertEquals(m, up.metadata());
        assertEquals(ChecksumAlgorithm.CRC32, up.algorithm());
        StoreRecords.VersionRecord v = StoreRecords.versionCodec().decode(StoreRecords.versionCodec().encode(
                new StoreRecords.VersionRecord(new byte[16], false, false, 3, "e", T, "o", m, 0, Map.of(),
                        StoreRecords.DataKind.INLINE, null)));
        assertEquals(m, v.metadata());
        assertEquals("STANDARD_IA", v.metadata().storageClass());
    }

    @Test
    void emptyMetadataMapsAnswerLookupsOfNullAsTheCopiesDid() {
        ObjectMetadata empty = ObjectMetadata.builder().build();
        ObjectMetadata decoded = StoreRecords.versionCodec().decode(StoreRecords.versionCodec().encode(
                new StoreRecords.VersionRecord(new byte[16], false, false, 0, "e", T, "o", empty, 0, Map.of(),
                        StoreRecords.DataKind.NONE, null))).metadata();
        assertEquals(empty, decoded);
        assertNull(decoded.userMetadata().get(null));
        assertTrue(!decoded.tags().containsKey(null));
        assertNull(decoded.attribute(null));
        assertThrows(UnsupportedOperationException.class, () -> decoded.userMetadata().put("k", "v"));
    }
}
