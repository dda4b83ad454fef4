package dev.dualkey.gateway.cli.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dualkey.gateway.identity.IdentitySetup;
import dev.dualkey.gateway.identity.IdentityStore;
import dev.dualkey.mfa.secret.PasswordHasher;
import dev.dualkey.storage.rocks.StorageEngine;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code dualkey admin kms ...} offline on a real data directory (the same handlers serve the admin socket). */
class KmsCommandsTest {
    @TempDir
    Path dataDir;

    record Run(int exit, String out, String err) {
        JsonNode json() {
            try {
                return new ObjectMapper().readTree(out);
            } catch (Exception e) {
                throw new AssertionError(out + err, e);
            }
        }
    }

    @BeforeEach
    void bootstrap() {
        try (StorageEngine engine = StorageEngine.open(dataDir, IdentityStore.FAMILIES)) {
            IdentitySetup.withRootKeys("AKIADUALKEYKMSTEST01", "kmsTestSecretKey00000000000000000000000001")
                    .passwordHashing(PasswordHasher.Params.forTests())
                    .wire(engine.database(), dataDir, engine.objectStore(), Clock.systemUTC());
        }
    }

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new AdminCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 2];
        all[0] = "kms";
        System.arraycopy(args, 0, all, 1, args.length);
        all[all.length - 1] = "--data-dir=" + dataDir;
        int exit = cli.execute(all);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void createAliasDisableAndScheduleDeletionOffline() {
        Run created = run("create-key", "--description", "app data", "--region", "eu-west-1", "--json");
        assertEquals(0, created.exit(), created.err());
        JsonNode k = created.json();
        String id = k.path("KeyId").asText();
        assertTrue(k.path("Arn").asText().matches("arn:aws:kms:eu-west-1:\\d{12}:key/" + id), k.toString());
        assertEquals("Enabled", k.path("KeyState").asText());
        assertEquals("offline", k.path("through").asText());

        assertEquals(0, run("create-alias", "--alias-name", "alias/app", "--key-id", id).exit());
        Run described = run("describe-key", "--key-id", "alias/app");
        assertEquals(0, described.exit(), described.err());
        assertTrue(described.out().contains(id) && described.out().contains("alias/app"), described.out());
        Run reserved = run("create-alias", "--alias-name", "alias/aws/s3", "--key-id", id);
        assertEquals(1, reserved.exit());
        assertTrue(reserved.err().contains("NotAuthorizedException"), reserved.err());

        assertEquals("Disabled", run("disable-key", "--key-id", id, "--json").json().path("KeyState").asText());
        Run tooSoon = run("schedule-key-deletion", "--key-id", id, "--pending-window-in-days", "1");
        assertEquals(1, tooSoon.exit());
        assertTrue(tooSoon.err().contains("ValidationException"), tooSoon.err());
        JsonNode pending = run("schedule-key-deletion", "--key-id", id, "--pending-window-in-days", "7", "--json")
                .json();
        assertEquals("PendingDeletion", pending.path("KeyState").asText());
        assertTrue(pending.has("DeletionDate"));
        Run list = run("list-keys");
        assertEquals(0, list.exit(), list.err());
        assertTrue(list.out().contains(id) && list.out().contains("PendingDeletion"), list.out());
        assertEquals("Disabled", run("cancel-key-deletion", "--key-id", id, "--json").json().path("KeyState")
                .asText());
        assertEquals("Enabled", run("enable-key", "--key-id", id, "--json").json().path("KeyState").asText());
        Run missing = run("describe-key", "--key-id", "alias/none");
        assertEquals(1, missing.exit());
        assertTrue(missing.err().contains("NotFoundException"), missing.err());
    }
}
