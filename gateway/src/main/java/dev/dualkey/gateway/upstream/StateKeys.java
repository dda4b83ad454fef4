package dev.dualkey.gateway.upstream;

import dev.dualkey.storage.keys.StoreKeys;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Keys of the upstream store's records in {@link dev.dualkey.storage.shared.SharedKv} (escaped as
 * {@link StoreKeys}: UTF-8 byte order, prefix-free):
 * <pre>
 *   'B' utf8(bucket)                                              :- bucket record
 *   'K' StoreKeys.objectKey(bucket, key)                           :- key record (all versions, newest first)
 *   'U' StoreKeys.objectKey(bucket, key) initiated micros (8, BE) utf8(uploadId)   :- upload record
 *   'P' StoreKeys.objectKey(bucket, key) initiated micros (8, BE) uint16 len(uploadId) utf8(uploadId)
 *       partNumber (4, BE)                                                         :- part record (one per part)
 * </pre>
 * A part key spells the upload id's length first so that one upload's parts are a prefix no other upload's share
 * (an upload id extending another's would otherwise fall in its range).
 * The value layouts are in {@link Records}. An etcd implementation stores these bytes as etcd keys under its own
 * namespace prefix.
 */
final class StateKeys {
    private StateKeys() {
    }

    static byte[] bucket(String bucket) {
        return cat((byte) 'B', bucket.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] bucketsFrom() {
        return new byte[] {'B'};
    }

    static byte[] bucketsTo() {
        return new byte[] {'C'};
    }

    static byte[] key(String bucket, String key) {
        return cat((byte) 'K', StoreKeys.objectKey(bucket, key));
    }

    /** The first key record of {@code bucket} whose key starts with {@code prefix}. */
    static byte[] keyPrefix(String bucket, String prefix) {
        return cat((byte) 'K', StoreKeys.keyPrefix(bucket, prefix));
    }

    static byte[] upload(String bucket, String key, long initiatedMicros, String uploadId) {
        byte[] ok = StoreKeys.objectKey(bucket, key);
        byte[] id = uploadId.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + ok.length + 8 + id.length).put((byte) 'U').put(ok).putLong(initiatedMicros)
                .put(id).array();
    }

    /** The prefix of every part entry of one upload. */
    static byte[] partsOf(String bucket, String key, long initiatedMicros, String uploadId) {
        byte[] ok = StoreKeys.objectKey(bucket, key);
        byte[] id = uploadId.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + ok.length + 8 + 2 + id.length).put((byte) 'P').put(ok).putLong(initiatedMicros)
                .putShort((short) id.length).put(id).array();
    }

    static byte[] part(String bucket, String key, long initiatedMicros, String uploadId, int partNumber) {
        byte[] p = partsOf(bucket, key, initiatedMicros, uploadId);
        return ByteBuffer.allocate(p.length + 4).put(p).putInt(partNumber).array();
    }

    static byte[] uploadsOfKey(String bucket, String key) {
        return cat((byte) 'U', StoreKeys.objectKey(bucket, key));
    }

    static byte[] uploadPrefix(String bucket, String prefix) {
        return cat((byte) 'U', StoreKeys.keyPrefix(bucket, prefix));
    }

    /** The smallest byte string greater than every string starting with {@code prefix} (null: none). */
    static byte[] successor(byte[] prefix) {
        byte[] s = prefix.clone();
        for (int i = s.length - 1; i >= 0; i--) {
            if (s[i] != (byte) 0xFF) {
                s[i]++;
                return java.util.Arrays.copyOf(s, i + 1);
            }
        }
        return null;
    }

    /** The smallest byte string greater than {@code key}. */
    static byte[] after(byte[] key) {
        return java.util.Arrays.copyOf(key, key.length + 1);
    }

    private static byte[] cat(byte tag, byte[] rest) {
        byte[] out = new byte[rest.length + 1];
        out[0] = tag;
        System.arraycopy(rest, 0, out, 1, rest.length);
        return out;
    }
}
