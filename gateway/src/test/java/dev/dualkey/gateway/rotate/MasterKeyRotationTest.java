package dev.dualkey.gateway.rotate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dualkey.gateway.admin.AdminFailure;
import dev.dualkey.gateway.identity.IdentityStore;
import dev.dualkey.gateway.kms.KmsKey;
import dev.dualkey.gateway.kms.KmsRegistry;
import dev.dualkey.mfa.audit.Actor;
import dev.dualkey.mfa.device.CreatedVirtualDevice;
import dev.dualkey.mfa.otp.Base32;
import dev.dualkey.mfa.secret.MasterKey;
import dev.dualkey.mfa.secret.PasswordHasher;
import dev.dualkey.mfa.secret.SecretBox;
import dev.dualkey.mfa.secret.SecretBoxException;
import dev.dualkey.mfa.store.DeviceRecord;
import dev.dualkey.storage.Expectations;
import dev.dualkey.storage.ObjectReader;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.ObjectWriter;
import dev.dualkey.storage.WriteOptions;
import dev.dualkey.storage.model.ObjectMetadata;
import dev.dualkey.storage.rocks.StorageEngine;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rotate-master-key} over a data directory: a key file's rotation re-seals the access key secret, the MFA seed
 * and the KMS key material and re-wraps every data key, the previous key is retired only when nothing needs it, and
 * afterwards the new key alone reads everything while the old key alone reads nothing; an environment-held key is
 * never replaced by the server.
 */
class MasterKeyRotationTest {
    private static final String AKID = "AKIAROTATION00000001";
    private static final String SECRET = "rotationSecretKey0000000000000000000000000";
    private static final String B = "rotated";

    @TempDir
    Path dir;
    private StorageEngine engine;
    private IdentityStore identity;
    private KmsRegistry kms;
    private ObjectStore objects;

    private void open(Map<String, String> env) {
        close();
        engine = StorageEngine.open(dir, IdentityStore.FAMILIES);
        identity = IdentityStore.open(engine.database(), dir, env, Clock.systemUTC(), PasswordHasher.Params.forTests());
        kms = identity.kms("us-east-1", Clock.systemUTC());
        objects = engine.objectStore();
        objects.encryptAtRest(identity.dataKeys());
    }

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
            engine = null;
        }
    }

    private void put(String key, byte[] data) {
        try (ObjectWriter w = objects.newObjectWriter(B, key, ObjectMetadata.empty(), WriteOptions.defaults())) {
            w.write(ByteBuffer.wrap(data));
            w.commit(Expectations.none().withContentLength(data.length));
        }
    }

    private byte[] get(String key) throws Exception {
        try (ObjectReader r = objects.openObject(B, key, null); InputStream in = r.openStream(0,
                r.version().size())) {
            return in.readAllBytes();
        }
    }

    private record Before(String accountId, String serial, byte[] seed, String kmsKeyId, byte[] material,
                          Map<String, byte[]> data) {
    }

    private Before populate() {
        String account = identity.identity().bootstrap(AKID, SECRET, "Rotation-Password-1").account().accountId();
        CreatedVirtualDevice d = identity.devices().createVirtualDevice(Actor.operator(), account, "/", "phone",
                Map.of(), null);
        KmsKey k = kms.createKey(account, "rotation");
        objects.createBucket(B, account, "us-east-1");
        Map<String, byte[]> data = new HashMap<>();
        Random r = new Random(3);
        for (int size : new int[] {100, 300_000}) {
            byte[] b = new byte[size];
            r.nextBytes(b);
            data.put("o" + size, b);
            put("o" + size, b);
        }
        return new Before(account, d.device().serialNumber(), Base32.decode(d.base32StringSeed()), k.keyId(),
                kms.material(k), data);
    }

    private void assertEverythingReadable(Before b) throws Exception {
        assertEquals(SECRET, identity.identity().findAccessKey(AKID).orElseThrow().secretAccessKey());
        DeviceRecord dev = identity.mfaStore().devices().get(b.serial()).orElseThrow();
        assertArrayEquals(b.seed(), identity.secretBox().open(dev.sealedSeed(), DeviceRecord.aad(b.serial())));
        assertArrayEquals(b.material(), kms.material(kms.describe(b.accountId(), b.kmsKeyId())));
        for (Map.Entry<String, byte[]> e : b.data().entrySet()) {
            assertArrayEquals(e.getValue(), get(e.getKey()), e.getKey());
        }
    }

    @Test
    void aKeyFilesRotationMovesEverythingToTheNewKeyAndRetiresTheOldOneOnlyWhenNothingNeedsIt() throws Exception {
        open(Map.of());
        Before b = populate();
        byte[] oldKey = Files.readAllBytes(dir.resolve(MasterKey.FILE_NAME));
        MasterKeyRotation rotation = new MasterKeyRotation(dir, Map.of(), identity, kms, objects);
        ObjectNode r = rotation.run(false, 0, e -> { });
        assertTrue(r.path("introduced").asBoolean(), r.toString());
        assertTrue(r.path("complete").asBoolean(), r.toString());
        assertEquals(2, r.path("secrets").path("resealed").asLong(), "access key secret and seed: " + r);
        assertEquals(1, r.path("kmsKeys").path("resealed").asLong(), r.toString());
        assertEquals(2, r.path("data").path("rewrapped").asLong(), r.toString());
        assertFalse(r.path("retired").asBoolean());
        assertArrayEquals(oldKey, Files.readAllBytes(dir.resolve(MasterKey.PREVIOUS_FILE_NAME)));
        byte[] newKey = Files.readAllBytes(dir.resolve(MasterKey.FILE_NAME));
        assertFalse(java.util.Arrays.equals(oldKey, newKey));
        assertEquals(String.format("%08x", SecretBox.fingerprint(newKey)), r.path("currentKey").asText());
        assertEverythingReadable(b); // online: the same process goes on serving under the new key
        byte[] later = "written after the switch".getBytes();
        put("later", later);
        b.data().put("later", later);

        // an upload that began before the switch (its data key wrapped under the old key) published after the pass
        byte[] straggler = new byte[300_000];
        new Random(9).nextBytes(straggler);
        try (ObjectWriter w = objects.newObjectWriter(B, "straggler", ObjectMetadata.empty(),
                WriteOptions.defaults(), dev.dualkey.storage.PublishCheck.NONE,
                dev.dualkey.storage.crypto.MasterKeyWrapper.fromMasterKey(oldKey))) {
            w.write(ByteBuffer.wrap(straggler));
            w.commit(Expectations.none().withContentLength(straggler.length));
        }
        b.data().put("straggler", straggler);
        ObjectNode caught = rotation.run(true, 0, e -> { });
        assertEquals(1, caught.path("data").path("movedByVerification").asLong(), caught.toString());
        assertFalse(caught.path("complete").asBoolean(), "moved only now: run again before retiring");
        assertFalse(caught.path("retired").asBoolean());
        assertTrue(Files.exists(dir.resolve(MasterKey.PREVIOUS_FILE_NAME)));

        ObjectNode again = rotation.run(true, 0, e -> { });
        assertFalse(again.path("introduced").asBoolean(), "a rotation under way is finished, not restarted");
        assertEquals(0, again.path("secrets").path("resealed").asLong());
        assertEquals(0, again.path("data").path("rewrapped").asLong());
        assertTrue(again.path("retired").asBoolean(), again.toString());
        assertFalse(Files.exists(dir.resolve(MasterKey.PREVIOUS_FILE_NAME)));

        open(Map.of()); // the new key alone
        assertFalse(identity.secretBox().hasPreviousKeys());
        assertEverythingReadable(b);

        SecretBox oldOnly = new SecretBox(oldKey);
        DeviceRecord dev = identity.mfaStore().devices().get(b.serial()).orElseThrow();
        assertThrows(SecretBoxException.class, () -> oldOnly.open(dev.sealedSeed(), DeviceRecord.aad(b.serial())));
        Files.write(dir.resolve(MasterKey.FILE_NAME), oldKey); // the old key alone reads no object either
        open(Map.of());
        assertThrows(RuntimeException.class, () -> get("o300000"));
        assertThrows(RuntimeException.class, () -> get("o100"));
    }

    @Test
    void anEnvironmentKeyIsReplacedByTheOperatorAndThenEverythingMovesToIt() throws Exception {
        byte[] oldKey = new byte[32];
        byte[] newKey = new byte[32];
        new Random(1).nextBytes(oldKey);
        new Random(2).nextBytes(newKey);
        Map<String, String> oldEnv = Map.of(MasterKey.ENV, Base64.getEncoder().encodeToString(oldKey));
        open(oldEnv);
        Before b = populate();
        AdminFailure refused = assertThrows(AdminFailure.class,
                () -> new MasterKeyRotation(dir, oldEnv, identity, kms, objects).run(false, 0, e -> { }));
        assertTrue(refused.getMessage().contains(MasterKey.PREVIOUS_ENV), refused.getMessage());
        assertFalse(Files.exists(dir.resolve(MasterKey.FILE_NAME)), "no key file written for an environment key");

        Map<String, String> both = Map.of(MasterKey.ENV, Base64.getEncoder().encodeToString(newKey),
                MasterKey.PREVIOUS_ENV, Base64.getEncoder().encodeToString(oldKey));
        open(both);
        assertEverythingReadable(b); // both keys read before anything moved
        ObjectNode r = new MasterKeyRotation(dir, both, identity, kms, objects).run(true, 0, e -> { });
        assertTrue(r.path("complete").asBoolean(), r.toString());
        assertFalse(r.path("retired").asBoolean(), "the environment is the operator's");
        assertTrue(r.path("next").asText().contains(MasterKey.PREVIOUS_ENV), r.toString());

        open(Map.of(MasterKey.ENV, Base64.getEncoder().encodeToString(newKey)));
        assertEverythingReadable(b);
    }
}
