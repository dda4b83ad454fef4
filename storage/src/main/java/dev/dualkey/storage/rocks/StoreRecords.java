package dev.dualkey.storage.rocks;

import dev.dualkey.storage.error.StorageIoException;
import dev.dualkey.storage.model.BucketConfig;
import dev.dualkey.storage.model.ChecksumAlgorithm;
import dev.dualkey.storage.model.MfaDeleteState;
import dev.dualkey.storage.model.ObjectMetadata;
import dev.dualkey.storage.model.ObjectVersion;
import dev.dualkey.storage.model.VersioningState;
import dev.dualkey.storage.versioning.VersionIds;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Value records of the storage families and their codecs. All layouts start with a version byte (currently 1)
 * and use {@link BinaryWriter} field encodings; new fields are appended and read only when present.
 */
final class StoreRecords {
    private StoreRecords() {
    }

    /**
     * How a version's bytes are stored. SEALED_INLINE (appended after the original four, so their ordinals stay):
     * an inline value in {@code crypto.SealedLayout} (encrypted); INLINE values are plaintext, written before
     * encryption at rest. Blobs carry their own marker in their id ({@code SealedLayout.BLOB_ID_SUFFIX}).
     */
    enum DataKind { NONE, INLINE, BLOB, MANIFEST, SEALED_INLINE }

    /**
     * storage.buckets value. Layout: v1 owner, created, region, versioning ord, mfa ord, lock, tags, policy;
     * then, when present, the sub-resource documents (string map). Absent in records written before them.
     */
    record BucketRecord(String name, String owner, Instant created, String region, BucketConfig config) {
    }

    static Codec<BucketRecord> bucketCodec() {
        return Codecs.record(1, (w, r) -> {
            w.writeString(r.name()).writeString(r.owner()).writeInstant(r.created()).writeString(r.region());
            BucketConfig c = r.config();
            w.writeByte(c.versioning().ordinal()).writeByte(c.mfaDelete().ordinal())
                    .writeBoolean(c.objectLockEnabled()).writeStringMap(c.tags()).writeString(c.policyJson())
                    .writeStringMap(c.subresources());
        }, rd -> {
            String name = rd.readString();
            String owner = rd.readString();
            Instant created = rd.readInstant();
            String region = rd.readString();
            VersioningState versioning = enumAt(VersioningState.values(), rd.readByte());
            MfaDeleteState mfa = enumAt(MfaDeleteState.values(), rd.readByte());
            boolean lock = rd.readBoolean();
            Map<String, String> tags = rd.readStringMap();
            String policy = rd.readString();
            Map<String, String> subresources = rd.hasRemaining() ? rd.readStringMap() : null;
            return new BucketRecord(name, owner, created, region, new BucketConfig(versioning, mfa, lock,
                    tags == null ? Map.of() : tags, policy, subresources == null ? Map.of() : subresources));
        });
    }

    /**
     * storage.versions / storage.objects value.
     * Layout v1: seq(16 raw), null flag, marker flag, size, etag, lastModified, owner, metadata, partsCount,
     * checksums (count, (ordinal byte, base64 string)*), data kind byte, blob id (string, null unless BLOB);
     * then, when present, the metadata's gateway-owned attributes (string map).
     */
    record VersionRecord(byte[] seq, boolean nullVersion, boolean deleteMarker, long size, String etag,
                         Instant lastModified, String owner, ObjectMetadata metadata, int partsCount,
                         Map<ChecksumAlgorithm, String> checksums, DataKind kind, String blobId) {
        String versionId() {
            return nullVersion ? ObjectVersion.NULL_VERSION_ID : VersionIds.toId(seq);
        }

        ObjectVersion toVersion(String bucket, String key, boolean latest) {
            return new ObjectVersion(bucket, key, versionId(), deleteMarker, latest, size, etag, lastModified,
                    owner, metadata, partsCount, checksums);
        }
    }

    static Codec<VersionRecord> versionCodec() {
        return Codecs.record(1, (w, r) -> {
            w.writeRaw(r.seq()).writeBoolean(r.nullVersion()).writeBoolean(r.deleteMarker()).writeLong(r.size())
                    .writeString(r.etag()).writeInstant(r.lastModified()).writeString(r.owner());
            writeMetadata(w, r.metadata());
            w.writeInt(r.partsCount());
            writeChecksums(w, r.checksums());
            w.writeByte(r.kind().ordinal()).writeString(r.blobId());
            w.writeStringMap(r.metadata().attributes());
        }, rd -> {
            byte[] seq = rd.readRaw(16);
            boolean isNull = rd.readBoolean();
            boolean marker = rd.readBoolean();
            long size = rd.readLong();
            String etag = rd.readString();
            Instant lastModified = rd.readInstant();
            String owner = rd.readString();
            MetadataFields fields = readMetadata(rd);
            int partsCount = rd.readInt();
            Map<ChecksumAlgorithm, String> checksums = readChecksums(rd);
            DataKind kind = enumAt(DataKind.values(), rd.readByte());
            String blobId = rd.readString();
            ObjectMetadata meta = readAttributes(rd, fields);
            return new VersionRecord(seq, isNull, marker, size, etag, lastModified, owner, meta, partsCount,
                    checksums, kind, blobId);
        });
    }

    /** One blob of a manifest. */
    record ManifestEntry(String blobId, long size) {
    }

    /** storage.manifests value. Layout v1: count, (blob id string, size long)*. */
    static Codec<List<ManifestEntry>> manifestCodec() {
        return Codecs.record(1, (w, list) -> {
            w.writeInt(list.size());
            for (ManifestEntry e : list) {
                w.writeString(e.blobId()).writeLong(e.size());
            }
        }, rd -> {
            int n = rd.readInt();
            if (n < 0 || n > 10_000) {
                throw new StorageIoException("corrupt manifest: " + n + " entries");
            }
            List<ManifestEntry> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(new ManifestEntry(rd.readString(), rd.readLong()));
            }
            return out;
        });
    }

    /**
     * storage.uploads value. Layout v1: owner, initiated, metadata, checksum algorithm ordinal or -1 (int); then,
     * when present, the metadata's gateway-owned attributes (string map).
     */
    record UploadRecord(String owner, Instant initiated, ObjectMetadata metadata, ChecksumAlgorithm algorithm) {
    }

    static Codec<UploadRecord> uploadCodec() {
        return Codecs.record(1, (w, r) -> {
            w.writeString(r.owner()).writeInstant(r.initiated());
            writeMetadata(w, r.metadata());
            w.writeInt(r.algorithm() == null ? -1 : r.algorithm().ordinal());
            w.writeStringMap(r.metadata().attributes());
        }, rd -> {
            String owner = rd.readString();
            Instant initiated = rd.readInstant();
            MetadataFields fields = readMetadata(rd);
            int alg = rd.readInt();
            ObjectMetadata meta = readAttributes(rd, fields);
            return new UploadRecord(owner, initiated, meta,
                    alg < 0 ? null : enumAt(ChecksumAlgorithm.values(), alg));
        });
    }

    /** storage.parts value. Layout v1: blob id, size, etag, lastModified, checksums. */
    record PartRecord(String blobId, long size, String etag, Instant lastModified,
                      Map<ChecksumAlgorithm, String> checksums) {
    }

    static Codec<PartRecord> partCodec() {
        return Codecs.record(1, (w, r) -> {
            w.writeString(r.blobId()).writeLong(r.size()).writeString(r.etag()).writeInstant(r.lastModified());
            writeChecksums(w, r.checksums());
        }, rd -> new PartRecord(rd.readString(), rd.readLong(), rd.readString(), rd.readInstant(),
                readChecksums(rd)));
    }

    private static void writeMetadata(BinaryWriter w, ObjectMetadata m) {
        w.writeString(m.contentType()).writeString(m.contentEncoding()).writeString(m.contentDisposition())
                .writeString(m.contentLanguage()).writeString(m.cacheControl()).writeString(m.expires())
                .writeStringMap(m.userMetadata()).writeString(m.storageClass()).writeStringMap(m.tags())
                .writeString(m.retentionMode()).writeBoolean(m.retainUntil() != null);
        if (m.retainUntil() != null) {
            w.writeInstant(m.retainUntil());
        }
        w.writeBoolean(m.legalHold());
    }

    /**
     * The metadata fields of a record, read where {@link #writeMetadata} wrote them; the record's attributes come at
     * its end, after other fields, and {@link #readAttributes} builds the {@link ObjectMetadata} once with them
     * (issue 19: building it twice, with a builder's map copies in between, was a fifth of a listed entry's decoding).
     */
    private record MetadataFields(String ct, String ce, String cd, String cl, String cc, String ex,
                                  Map<String, String> user, String sc, Map<String, String> tags, String mode,
                                  Instant until, boolean hold) {
        ObjectMetadata with(Map<String, String> attributes) {
            return new ObjectMetadata(ct, ce, cd, cl, cc, ex, user == null ? Map.of() : user, sc,
                    tags == null ? Map.of() : tags, mode, until, hold, attributes == null ? Map.of() : attributes);
        }
    }

    private static MetadataFields readMetadata(BinaryReader r) {
        String ct = r.readString();
        String ce = r.readString();
        String cd = r.readString();
        String cl = r.readString();
        String cc = r.readString();
        String ex = r.readString();
        Map<String, String> user = r.readStringMap();
        String sc = r.readString();
        Map<String, String> tags = r.readStringMap();
        String mode = r.readString();
        Instant until = r.readBoolean() ? r.readInstant() : null;
        boolean hold = r.readBoolean();
        return new MetadataFields(ct, ce, cd, cl, cc, ex, user, sc, tags, mode, until, hold);
    }

    /** The metadata with the attributes appended at the end of a record, when the record has them. */
    private static ObjectMetadata readAttributes(BinaryReader r, MetadataFields meta) {
        return meta.with(r.hasRemaining() ? r.readStringMap() : null);
    }

    private static void writeChecksums(BinaryWriter w, Map<ChecksumAlgorithm, String> m) {
        w.writeInt(m.size());
        for (Map.Entry<ChecksumAlgorithm, String> e : m.entrySet()) {
            w.writeByte(e.getKey().ordinal()).writeString(e.getValue());
        }
    }

    private static Map<ChecksumAlgorithm, String> readChecksums(BinaryReader r) {
        int n = r.readInt();
        if (n < 0 || n > ChecksumAlgorithm.values().length) {
            throw new StorageIoException("corrupt checksum count " + n);
        }
        if (n == 0) {
            return Collections.emptyMap(); // most versions have none: no EnumMap per listed entry
        }
        Map<ChecksumAlgorithm, String> m = new EnumMap<>(ChecksumAlgorithm.class);
        for (int i = 0; i < n; i++) {
            m.put(enumAt(ChecksumAlgorithm.values(), r.readByte()), r.readString());
        }
        return m;
    }

    private static <E> E enumAt(E[] values, int ordinal) {
        if (ordinal < 0 || ordinal >= values.length) {
            throw new StorageIoException("corrupt enum ordinal " + ordinal);
        }
        return values[ordinal];
    }
}
