package dev.dualkey.gateway.upstream;

import dev.dualkey.storage.error.StorageIoException;
import dev.dualkey.storage.model.BucketConfig;
import dev.dualkey.storage.model.ChecksumAlgorithm;
import dev.dualkey.storage.model.MfaDeleteState;
import dev.dualkey.storage.model.ObjectMetadata;
import dev.dualkey.storage.model.ObjectVersion;
import dev.dualkey.storage.model.VersioningState;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The records the upstream store keeps in {@link dev.dualkey.storage.shared.SharedKv}, and their byte layouts.
 * Every value starts with a layout byte (1); strings are {@code int32 length (-1 = null), UTF-8}; maps are
 * {@code int32 count, (string, string)*} in their order; instants are {@code int64 epoch second, int32 nano}.
 * <pre>
 *   bucket  := 1, name, owner, created, region, deleting(bool), versioning(string), mfaDelete(string),
 *              objectLock(bool), tags(map), policy(string), subresources(map),
 *              deletingSince(bool present, instant)
 *   key     := 1, key, int32 n, version*n                   (newest first: the list order is the commit order)
 *   version := versionId, upstreamId, null(bool), marker(bool), size(int64), etag, lastModified, owner,
 *              metadata, partsCount(int32), checksums(map by algorithm name)
 *   metadata:= contentType, contentEncoding, contentDisposition, contentLanguage, cacheControl, expires,
 *              userMetadata(map), storageClass, tags(map), retentionMode, retainUntil(bool present, instant),
 *              legalHold(bool), attributes(map)
 *   upload  := 1, uploadId, key, initiated, owner, metadata, algorithm(string), int32 n, part*n (by number),
 *              generation(int64)
 *   part    := number(int32), etag, size(int64), lastModified, checksums(map)
 *   partEntry := 1, part                                    (one per part: StateKeys.part)
 * </pre>
 * An upload's parts are separate entries ({@code partEntry}), not in the upload record: 10,000 parts with SHA-256
 * checksums make about 1.2 MiB, and a commit carries a compared record twice, so one record could not hold them
 * under etcd's request limit (1.5 MiB by default). The upload record's {@code generation} grows with each part
 * stored, so a completion comparing the upload record also notices a part replaced since it read the parts. Upload
 * records written before part entries existed carry their parts inline ({@code n > 0}, no generation): both are
 * read.
 * New fields are appended at the end of a record and read only when bytes remain.
 */
final class Records {
    private static final int LAYOUT = 1;

    private Records() {
    }

    /**
     * A bucket as the catalog stores it; {@code deleting} marks a DeleteBucket in progress (no new writes), since
     * {@code deletingSince} (null for a mark written before that field existed).
     */
    record Bucket(String name, String owner, Instant created, String region, boolean deleting, BucketConfig config,
                  Instant deletingSince) {
        Bucket(String name, String owner, Instant created, String region, boolean deleting, BucketConfig config) {
            this(name, owner, created, region, deleting, config, null);
        }
    }

    /**
     * One version or delete marker.
     *
     * @param versionId  the id clients see: {@code "null"} or {@code upstreamId}
     * @param upstreamId the upstream version id holding the data (or the upstream delete marker)
     */
    record Version(String versionId, String upstreamId, boolean nullVersion, boolean deleteMarker, long size,
                   String etag, Instant lastModified, String owner, ObjectMetadata metadata, int partsCount,
                   Map<ChecksumAlgorithm, String> checksums) {
        ObjectVersion toVersion(String bucket, String key, boolean latest) {
            return new ObjectVersion(bucket, key, versionId, deleteMarker, latest, size, etag, lastModified, owner,
                    metadata, partsCount, checksums);
        }

        Version withMetadata(ObjectMetadata m) {
            return new Version(versionId, upstreamId, nullVersion, deleteMarker, size, etag, lastModified, owner, m,
                    partsCount, checksums);
        }
    }

    /** All versions of one key, newest first. */
    record Key(String key, List<Version> versions) {
        Key {
            versions = List.copyOf(versions);
        }
    }

    record Part(int number, String etag, long size, Instant lastModified, Map<ChecksumAlgorithm, String> checksums) {
    }

    /**
     * @param parts      parts recorded inline (upload records written before part entries existed); new ones are empty
     * @param generation how many parts were stored as entries so far (compared by a completion)
     */
    record Upload(String uploadId, String key, Instant initiated, String owner, ObjectMetadata metadata,
                  ChecksumAlgorithm algorithm, Map<Integer, Part> parts, long generation) {
        Upload {
            parts = java.util.Collections.unmodifiableMap(new TreeMap<>(parts));
        }

        Upload nextGeneration() {
            return new Upload(uploadId, key, initiated, owner, metadata, algorithm, parts, generation + 1);
        }
    }

    // ---- encode --------------------------------------------------------------------------------------------

    static byte[] encode(Bucket b) {
        return write(out -> {
            str(out, b.name());
            str(out, b.owner());
            instant(out, b.created());
            str(out, b.region());
            out.writeBoolean(b.deleting());
            BucketConfig c = b.config();
            str(out, c.versioning().name());
            str(out, c.mfaDelete().name());
            out.writeBoolean(c.objectLockEnabled());
            map(out, c.tags());
            str(out, c.policyJson());
            map(out, c.subresources());
            out.writeBoolean(b.deletingSince() != null);
            if (b.deletingSince() != null) {
                instant(out, b.deletingSince());
            }
        });
    }

    static byte[] encode(Key k) {
        return write(out -> {
            str(out, k.key());
            out.writeInt(k.versions().size());
            for (Version v : k.versions()) {
                str(out, v.versionId());
                str(out, v.upstreamId());
                out.writeBoolean(v.nullVersion());
                out.writeBoolean(v.deleteMarker());
                out.writeLong(v.size());
                str(out, v.etag());
                instant(out, v.lastModified());
                str(out, v.owner());
                metadata(out, v.metadata());
                out.writeInt(v.partsCount());
                checksums(out, v.checksums());
            }
        });
    }

    static byte[] encode(Upload u) {
        return write(out -> {
            str(out, u.uploadId());
            str(out, u.key());
            instant(out, u.initiated());
            str(out, u.owner());
            metadata(out, u.metadata());
            str(out, u.algorithm() == null ? null : u.algorithm().name());
            out.writeInt(u.parts().size());
            for (Part p : u.parts().values()) {
                part(out, p);
            }
            out.writeLong(u.generation());
        });
    }

    static byte[] encode(Part p) {
        return write(out -> part(out, p));
    }

    private static void part(DataOutputStream out, Part p) throws IOException {
        out.writeInt(p.number());
        str(out, p.etag());
        out.writeLong(p.size());
        instant(out, p.lastModified());
        checksums(out, p.checksums());
    }

    static Part decodePart(byte[] bytes) {
        return read(bytes, Records::part);
    }

    private static Part part(DataInputStream in) throws IOException {
        return new Part(in.readInt(), str(in), in.readLong(), instant(in), checksums(in));
    }

    // ---- decode --------------------------------------------------------------------------------------------

    static Bucket decodeBucket(byte[] bytes) {
        return read(bytes, in -> {
            String name = str(in);
            String owner = str(in);
            Instant created = instant(in);
            String region = str(in);
            boolean deleting = in.readBoolean();
            VersioningState vs = VersioningState.valueOf(str(in));
            MfaDeleteState mfa = MfaDeleteState.valueOf(str(in));
            boolean lock = in.readBoolean();
            Map<String, String> tags = map(in);
            String policy = str(in);
            Map<String, String> sub = map(in);
            Instant since = in.available() > 0 && in.readBoolean() ? instant(in) : null;
            return new Bucket(name, owner, created, region, deleting,
                    new BucketConfig(vs, mfa, lock, tags, policy, sub), since);
        });
    }

    static Key decodeKey(byte[] bytes) {
        return read(bytes, in -> {
            String key = str(in);
            int n = in.readInt();
            List<Version> vs = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                vs.add(new Version(str(in), str(in), in.readBoolean(), in.readBoolean(), in.readLong(), str(in),
                        instant(in), str(in), metadata(in), in.readInt(), checksums(in)));
            }
            return new Key(key, vs);
        });
    }

    static Upload decodeUpload(byte[] bytes) {
        return read(bytes, in -> {
            String id = str(in);
            String key = str(in);
            Instant initiated = instant(in);
            String owner = str(in);
            ObjectMetadata meta = metadata(in);
            String alg = str(in);
            int n = in.readInt();
            Map<Integer, Part> parts = new TreeMap<>();
            for (int i = 0; i < n; i++) {
                Part p = part(in);
                parts.put(p.number(), p);
            }
            long generation = in.available() >= 8 ? in.readLong() : 0;
            return new Upload(id, key, initiated, owner, meta, alg == null ? null : ChecksumAlgorithm.valueOf(alg),
                    parts, generation);
        });
    }

    // ---- primitives ----------------------------------------------------------------------------------------

    private interface Writer {
        void accept(DataOutputStream out) throws IOException;
    }

    private interface Reader<T> {
        T apply(DataInputStream in) throws IOException;
    }

    private static byte[] write(Writer w) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(LAYOUT);
            w.accept(out);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    private static <T> T read(byte[] bytes, Reader<T> r) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int layout = in.readUnsignedByte();
            if (layout != LAYOUT) {
                throw new StorageIoException("unknown record layout " + layout + " in the shared state");
            }
            return r.apply(in);
        } catch (IOException e) {
            throw new StorageIoException("corrupt record in the shared state", e);
        }
    }

    private static void str(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String str(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        return new String(in.readNBytes(n), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static void instant(DataOutputStream out, Instant t) throws IOException {
        out.writeLong(t.getEpochSecond());
        out.writeInt(t.getNano());
    }

    private static Instant instant(DataInputStream in) throws IOException {
        return Instant.ofEpochSecond(in.readLong(), in.readInt());
    }

    private static void map(DataOutputStream out, Map<String, String> m) throws IOException {
        out.writeInt(m.size());
        for (Map.Entry<String, String> e : m.entrySet()) {
            str(out, e.getKey());
            str(out, e.getValue());
        }
    }

    private static Map<String, String> map(DataInputStream in) throws IOException {
        int n = in.readInt();
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            m.put(str(in), str(in));
        }
        return m;
    }

    private static void checksums(DataOutputStream out, Map<ChecksumAlgorithm, String> m) throws IOException {
        out.writeInt(m.size());
        for (Map.Entry<ChecksumAlgorithm, String> e : m.entrySet()) {
            str(out, e.getKey().name());
            str(out, e.getValue());
        }
    }

    private static Map<ChecksumAlgorithm, String> checksums(DataInputStream in) throws IOException {
        int n = in.readInt();
        Map<ChecksumAlgorithm, String> m = new EnumMap<>(ChecksumAlgorithm.class);
        for (int i = 0; i < n; i++) {
            m.put(ChecksumAlgorithm.valueOf(str(in)), str(in));
        }
        return m;
    }

    private static void metadata(DataOutputStream out, ObjectMetadata m) throws IOException {
        str(out, m.contentType());
        str(out, m.contentEncoding());
        str(out, m.contentDisposition());
        str(out, m.contentLanguage());
        str(out, m.cacheControl());
        str(out, m.expires());
        map(out, m.userMetadata());
        str(out, m.storageClass());
        map(out, m.tags());
        str(out, m.retentionMode());
        out.writeBoolean(m.retainUntil() != null);
        if (m.retainUntil() != null) {
            instant(out, m.retainUntil());
        }
        out.writeBoolean(m.legalHold());
        map(out, m.attributes());
    }

    private static ObjectMetadata metadata(DataInputStream in) throws IOException {
        ObjectMetadata.Builder b = ObjectMetadata.builder().contentType(str(in)).contentEncoding(str(in))
                .contentDisposition(str(in)).contentLanguage(str(in)).cacheControl(str(in)).expires(str(in))
                .userMetadata(map(in)).storageClass(str(in)).tags(map(in));
        String mode = str(in);
        Instant until = in.readBoolean() ? instant(in) : null;
        return b.retention(mode, until).legalHold(in.readBoolean()).attributes(map(in)).build();
    }
}
