package dev.dualkey.storage.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.storage.error.DataCorruptionException;
import dev.dualkey.storage.error.StorageIoException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** SSE-KMS data key wrapping: the KMS key's KEK, the encryption context bound in, the sealed layout unchanged. */
class KmsKeyWrapperTest {
    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] ctx(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void wrapsUnderTheKeyAndItsContextOnly() {
        byte[] material = bytes(32, 1);
        KmsKeyWrapper w = KmsKeyWrapper.of(material, ctx("{\"aws:s3:arn\":\"arn:aws:s3:::b/k\"}"));
        byte[] dataKey = bytes(32, 2);
        byte[] wrapped = w.wrap(dataKey, ctx("aad"));
        assertEquals(KeyWrapper.WRAPPED_BYTES, wrapped.length);
        assertEquals(w.fingerprint(), ByteBuffer.wrap(wrapped).getInt());
        assertArrayEquals(dataKey, KmsKeyWrapper.of(material, ctx("{\"aws:s3:arn\":\"arn:aws:s3:::b/k\"}"))
                .unwrap(wrapped, ctx("aad")));
        // another object's context, another aad: the tag fails
        assertThrows(DataCorruptionException.class, () -> KmsKeyWrapper.of(material,
                ctx("{\"aws:s3:arn\":\"arn:aws:s3:::b/other\"}")).unwrap(wrapped, ctx("aad")));
        assertThrows(DataCorruptionException.class, () -> w.unwrap(wrapped, ctx("other aad")));
        // another KMS key (deleted and re-created under the same alias, say) does not know the fingerprint
        KmsKeyWrapper other = KmsKeyWrapper.of(bytes(32, 3), ctx("{}"));
        assertNotEquals(w.fingerprint(), other.fingerprint());
        assertFalse(other.knows(w.fingerprint()));
        assertThrows(StorageIoException.class, () -> other.unwrap(wrapped, ctx("aad")));
    }

    @Test
    void theKmsKekIsNotTheMasterKeysForTheSameBytes() {
        byte[] same = bytes(32, 4);
        KmsKeyWrapper kms = KmsKeyWrapper.of(same, ctx("{}"));
        MasterKeyWrapper master = MasterKeyWrapper.fromMasterKey(same);
        byte[] wrapped = kms.wrap(bytes(32, 5), ctx("a"));
        assertFalse(master.knows(kms.fingerprint()), "separate HKDF info: no cross-purpose replay");
        assertThrows(StorageIoException.class, () -> master.unwrap(wrapped, ctx("a")));
    }

    @Test
    void sealedDataUnderAKmsKeyReadsBackThroughTheStoresEitherWrapper() {
        byte[] material = bytes(32, 6);
        byte[] context = ctx("{\"aws:s3:arn\":\"arn:aws:s3:::b/k\"}");
        byte[] body = bytes(200_000, 7);
        byte[] blob = SealedLayout.blobContext("blob-1.s1");
        byte[] sealed = Sealer.sealAll(KmsKeyWrapper.of(material, context), blob, body, 0, body.length);
        assertEquals(KmsKeyWrapper.of(material, context).fingerprint(), SealedLayout.keyFingerprint(sealed));
        KeyWrapper either = KeyWrapper.either(MasterKeyWrapper.fromMasterKey(bytes(32, 8)),
                KmsKeyWrapper.of(material, context));
        SealedReader r = SealedReader.open(either, blob, body.length, (dst, pos) -> {
            int n = (int) Math.min(dst.remaining(), sealed.length - pos);
            if (n <= 0) {
                return -1;
            }
            dst.put(sealed, (int) pos, n);
            return n;
        }, sealed.length, "test");
        assertArrayEquals(body, r.readAll());
        // the store's own key alone cannot open it
        assertThrows(StorageIoException.class, () -> SealedReader.open(MasterKeyWrapper.fromMasterKey(bytes(32, 8)),
                blob, body.length, (dst, pos) -> {
                    int n = (int) Math.min(dst.remaining(), sealed.length - pos);
                    dst.put(sealed, (int) pos, n);
                    return n;
                }, sealed.length, "test"));
        assertTrue(SealedLayout.isSealedBlob("blob-1.s1"));
    }
}
