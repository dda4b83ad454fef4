package dev.dualkey.mfa.store;

import static dev.dualkey.mfa.testing.MfaFixture.ACTOR;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.mfa.device.CreatedVirtualDevice;
import dev.dualkey.mfa.identity.NewAccessKey;
import dev.dualkey.mfa.otp.Base32;
import dev.dualkey.mfa.testing.MfaFixture;
import dev.dualkey.testkit.DataFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No seed, secret access key or password may appear in plain form (raw bytes, Base32, base64 or ASCII) in any
 * file under the data directory: RocksDB WAL, SSTs, MANIFEST, logs.
 */
class SecretsAtRestTest {
    @TempDir
    Path dir;

    @Test
    void noSecretInPlainFormAnywhereInTheDataDirectory(@TempDir Path files) throws Exception {
        List<byte[]> needles = new ArrayList<>();
        try (MfaFixture f = new MfaFixture(dir)) {
            var boot = f.mfa.identity().bootstrap(null, null, null);
            String acct = boot.account().accountId();
            addText(needles, boot.generatedAccessKey().orElseThrow().secretAccessKey());
            addText(needles, boot.generatedRootPassword().orElseThrow());
            f.mfa.identity().createUser(ACTOR, acct, null, "alice", null);
            NewAccessKey k = f.mfa.identity().createAccessKey(ACTOR, acct, "alice");
            addText(needles, k.secretAccessKey());
            f.mfa.identity().createLoginProfile(ACTOR, acct, "alice", "Plain-Passw0rd-Check", false);
            addText(needles, "Plain-Passw0rd-Check");
            for (int i = 0; i < 3; i++) {
                CreatedVirtualDevice d = f.mfa.devices().createVirtualDevice(ACTOR, acct, null, "dev" + i, null, null);
                byte[] seed = Base32.decode(d.base32StringSeed());
                addSeed(needles, seed);
                if (i == 0) {
                    f.mfa.devices().enable(ACTOR, acct, "alice", d.device().serialNumber(), f.code(seed, -1),
                            f.code(seed, 0));
                }
            }
            byte[] hw = new byte[20];
            new java.security.SecureRandom().nextBytes(hw);
            addSeed(needles, hw);
            Path csv = files.resolve("t.csv");
            Files.writeString(csv, "GAHT30000001," + Base32.encode(hw) + "\n");
            f.mfa.operator().importTokens(csv);
            // a deleted secret must not linger either: delete a key after writing it
            NewAccessKey gone = f.mfa.identity().createAccessKey(ACTOR, acct, "alice");
            addText(needles, gone.secretAccessKey());
            f.mfa.identity().deleteAccessKey(ACTOR, acct, "alice", gone.accessKeyId());
            // temporary credentials: the secret is sealed, the session token is stored only as its hash
            dev.dualkey.mfa.session.SessionCredentials session = f.mfa.sessions().getSessionToken(
                    k.accessKeyId(), java.time.Duration.ofHours(1), null, null, null);
            addText(needles, session.secretAccessKey());
            addText(needles, session.sessionToken());
        } // close: WAL synced, everything on disk
        List<Path> all = DataFiles.regularFiles(dir);
        assertTrue(all.size() > 3, "RocksDB files present: " + all);
        long scanned = 0;
        for (Path p : all) {
            byte[] content = Files.readAllBytes(p);
            scanned += content.length;
            for (byte[] needle : needles) {
                assertFalse(DataFiles.contains(content, needle), "secret material found in " + dir.relativize(p));
            }
        }
        assertTrue(scanned > 0);
        // sanity: the scan finds things that are stored in plain (the user name), so it can fail
        byte[] probe = "alice".getBytes(StandardCharsets.UTF_8);
        assertFalse(DataFiles.filesContaining(dir, probe).isEmpty(), "the user name is stored in plain");
    }

    private static void addText(List<byte[]> needles, String secret) {
        needles.add(secret.getBytes(StandardCharsets.UTF_8));
        needles.add(Base64.getEncoder().encode(secret.getBytes(StandardCharsets.UTF_8)));
    }

    private static void addSeed(List<byte[]> needles, byte[] seed) {
        needles.add(seed.clone());
        needles.add(Base32.encode(seed).getBytes(StandardCharsets.US_ASCII));
        needles.add(Base32.encode(seed).toLowerCase().getBytes(StandardCharsets.US_ASCII));
        needles.add(Base64.getEncoder().encode(seed));
        needles.add(Base64.getEncoder().encode(Base32.encode(seed).getBytes(StandardCharsets.US_ASCII)));
    }
}
