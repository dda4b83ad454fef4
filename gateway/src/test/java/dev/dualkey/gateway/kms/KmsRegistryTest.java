package dev.dualkey.gateway.kms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.mfa.secret.SecretBox;
import dev.dualkey.storage.rocks.RocksDatabase;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local KMS key registry: names, states, the waiting period, sealing under the master key, rotation. */
class KmsRegistryTest {
    private static final String A = "111111111111";
    private static final String B = "222222222222";
    @TempDir
    Path dir;
    private RocksDatabase db;
    private KmsRegistry kms;
    private final MutableClock clock = new MutableClock();

    static final class MutableClock extends Clock {
        Instant now = Instant.parse("2026-12-02T00:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static byte[] key(long seed) {
        byte[] b = new byte[32];
        new Random(seed).nextBytes(b);
        return b;
    }

    @BeforeEach
    void open() {
        db = RocksDatabase.open(dir.resolve("db"), KmsSchema.FAMILIES);
        kms = new KmsRegistry(db, new SecretBox(key(1)), "eu-west-1", clock, null);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void aKeyIsNamedByIdArnAliasAndAliasArnInItsAccount() {
        KmsKey k = kms.createKey(A, "app");
        assertTrue(k.arn().matches("arn:aws:kms:eu-west-1:" + A + ":key/[0-9a-f-]{36}"));
        kms.createAlias(A, "alias/app", k.keyId());
        for (String name : List.of(k.keyId(), k.arn(), "alias/app", "arn:aws:kms:eu-west-1:" + A + ":alias/app")) {
            assertEquals(k.keyId(), kms.resolve(A, name, false).keyId(), name);
        }
        assertEquals(List.of("alias/app"), kms.aliasesOf(k));
        // B does not see A's key by id or alias; the ARN names A's key (the S3 layer refuses its use by B)
        assertEquals("NotFoundException", assertThrows(KmsException.class, () -> kms.resolve(B, k.keyId(), false))
                .code());
        assertEquals("NotFoundException", assertThrows(KmsException.class, () -> kms.resolve(B, "alias/app", false))
                .code());
        assertEquals(A, kms.resolve(B, k.arn(), false).accountId());
        assertEquals("NotFoundException", assertThrows(KmsException.class,
                () -> kms.resolve(A, k.arn().replace("eu-west-1", "us-east-1"), false)).code());
        assertEquals("Invalid keyId nonsense", assertThrows(KmsException.class,
                () -> kms.resolve(A, "nonsense", false)).getMessage());
        assertEquals("AlreadyExistsException", assertThrows(KmsException.class,
                () -> kms.createAlias(A, "alias/app", k.keyId())).code());
        assertEquals("NotAuthorizedException", assertThrows(KmsException.class,
                () -> kms.createAlias(A, "alias/aws/mine", k.keyId())).code());
        assertEquals("ValidationException", assertThrows(KmsException.class,
                () -> kms.createAlias(A, "app", k.keyId())).code());
    }

    @Test
    void theAwsManagedKeyIsCreatedOnceOnFirstUseAndCannotBeRetired() {
        assertThrows(KmsException.class, () -> kms.resolve(A, "alias/aws/s3", false));
        KmsKey m = kms.resolve(A, "alias/aws/s3", true);
        assertTrue(m.awsManaged());
        assertEquals(m.keyId(), kms.resolve(A, "alias/aws/s3", true).keyId());
        assertNotEquals(m.keyId(), kms.resolve(B, "alias/aws/s3", true).keyId(), "one per account");
        for (var change : List.<Runnable>of(() -> kms.disable(A, "alias/aws/s3"),
                () -> kms.scheduleDeletion(A, m.keyId(), 30))) {
            assertEquals("UnsupportedOperationException", assertThrows(KmsException.class, change::run).code());
        }
    }

    @Test
    void deletionWaitsItsWindowCanBeCancelledAndThenDestroysTheMaterial() {
        KmsKey k = kms.createKey(A, "doomed");
        kms.createAlias(A, "alias/doomed", k.keyId());
        for (int days : new int[] {0, 6, 31}) {
            assertEquals("ValidationException", assertThrows(KmsException.class,
                    () -> kms.scheduleDeletion(A, k.keyId(), days)).code());
        }
        KmsKey pending = kms.scheduleDeletion(A, k.keyId(), 7);
        assertEquals(KeyState.PENDING_DELETION, pending.state());
        assertEquals(clock.now.plus(Duration.ofDays(7)), pending.deletionDate());
        assertEquals("KMSInvalidStateException", assertThrows(KmsException.class,
                () -> KmsRegistry.requireUsable(kms.describe(A, k.keyId()))).code());
        assertEquals("KMSInvalidStateException", assertThrows(KmsException.class, () -> kms.enable(A, k.keyId()))
                .code());
        assertEquals(KeyState.DISABLED, kms.cancelDeletion(A, k.keyId()).state(), "cancel leaves it Disabled");
        assertEquals("DisabledException", assertThrows(KmsException.class,
                () -> KmsRegistry.requireUsable(kms.describe(A, k.keyId()))).code());
        kms.scheduleDeletion(A, k.keyId(), 7);
        clock.now = clock.now.plus(Duration.ofDays(7)).minusSeconds(1);
        assertTrue(kms.byId(k.keyId()).isPresent(), "still in its waiting period");
        clock.now = clock.now.plusSeconds(1);
        assertTrue(kms.byId(k.keyId()).isEmpty());
        assertFalse(kms.listKeys(A).stream().anyMatch(x -> x.keyId().equals(k.keyId())));
        assertEquals("NotFoundException", assertThrows(KmsException.class, () -> kms.resolve(A, "alias/doomed",
                false)).code(), "its aliases went with it");
    }

    @Test
    void materialIsSealedUnderTheMasterKeyAndSurvivesAReseal() {
        KmsKey k = kms.createKey(A, "sealed");
        byte[] material = kms.material(k);
        assertEquals(32, material.length);
        assertFalse(java.util.Arrays.equals(material, java.util.Arrays.copyOfRange(k.sealedMaterial(), 13, 45)));
        // another master key cannot open it
        KmsRegistry thief = new KmsRegistry(db, new SecretBox(key(2)), "eu-west-1", clock, null);
        assertThrows(dev.dualkey.mfa.secret.SecretBoxException.class,
                () -> thief.material(thief.describe(A, k.keyId())));
        // rotation: re-sealed under the next master key, same material; a second pass changes nothing
        SecretBox next = new SecretBox(key(3));
        assertEquals(1, kms.reseal(next));
        assertEquals(0, kms.reseal(next));
        assertArrayEquals(material, next.open(kms.describe(A, k.keyId()).sealedMaterial(), "kms:" + k.keyId()));
        assertArrayEquals(material, kms.material(kms.describe(A, k.keyId())));
    }
}
