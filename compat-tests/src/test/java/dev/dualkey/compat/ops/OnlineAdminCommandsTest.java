package dev.dualkey.compat.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.durable.AdminCli;
import dev.dualkey.compat.durable.ServeProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Every identity admin command ({@code create-account}, {@code import-tokens}, {@code deactivate-root-mfa},
 * {@code reset-root-password}, {@code audit}, {@code audit --follow}) through the real CLI entry point
 * ({@code DualkeyCli}) against a running {@code serve} process: answered by the server ({@code "through":
 * "server"}) while it keeps serving S3, refusals exit 1 with the IAM error code, and the same data directory
 * offline afterwards holds the same audit records.
 */
class OnlineAdminCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    @Timeout(180) // hang detector only
    void everyCommandWorksWhileTheServerRuns() throws Exception {
        Path data = dir.resolve("data");
        String d = "--data-dir=" + data;
        String newAccount;
        String password;
        try (ServeProcess s = ServeProcess.start(data, Map.of()); S3Client s3 = Clients.v2(s.endpoint())) {
            s3.createBucket(b -> b.bucket("before-admin"));

            // audit --follow waits for new records and prints them as they are written. --since counts from the
            // start of its second (identity records are stamped in whole seconds), so the set-up's own records
            // (the account ServeProcess made, the bucket) must be in an earlier second than `since`: on a fast
            // machine they were in the same one, and the tail printed the set-up's CreateAccount first.
            Instant setUpDone = Instant.now();
            Thread.sleep(1_000 - setUpDone.getNano() / 1_000_000 + 20);
            String since = Instant.now().toString();
            AtomicReference<AdminCli> followed = new AtomicReference<>();
            Thread follower = new Thread(() -> followed.set(AdminCli.run("admin", "audit", d, "--follow", "--json",
                    "--since", since, "--limit", "3")));
            follower.start();
            follower.join(500);
            assertTrue(follower.isAlive(), "no record yet, so the tail is still waiting: " + followed.get());

            AdminCli created = AdminCli.run("admin", "create-account", d, "--alias", "ops-team", "--json");
            assertEquals(0, created.exitCode(), created.err());
            JsonNode c = created.json();
            assertEquals("server", c.path("through").asText());
            newAccount = c.path("accountId").asText();
            assertTrue(newAccount.matches("\\d{12}"), newAccount);
            assertTrue(c.path("accessKeyId").asText().matches("AKIA[A-Z0-9]{16}"), c.toString());
            assertEquals(40, c.path("secretAccessKey").asText().length());
            AdminCli again = AdminCli.run("admin", "create-account", d, "--alias", "ops-team");
            assertEquals(1, again.exitCode(), again.out());
            assertTrue(again.err().contains("EntityAlreadyExists"), again.err());

            Path csv = dir.resolve("tokens.csv");
            Files.writeString(csv, "GAHT90000101,JUGVDLRRJSJPIGTVQF7LOY6B5FU37XU5\n"
                    + "GAHT90000102,OPSRSEGQJNATIEL7PDF7USUKLQYMA5ED\n");
            AdminCli imported = AdminCli.run("admin", "import-tokens", csv.toString(), d);
            assertEquals(0, imported.exitCode(), imported.err());
            assertTrue(imported.out().startsWith("Imported 2 token(s); 0 already present."), imported.out());
            AdminCli twice = AdminCli.run("admin", "import-tokens", csv.toString(), d, "--json");
            assertEquals(0, twice.exitCode(), twice.err() + twice.out());
            assertEquals("server", twice.json().path("through").asText(), twice.out());
            assertEquals(2, twice.json().path("alreadyPresent").size());

            follower.join(60_000);
            assertFalse(follower.isAlive(), () -> "the tail stops after --limit records; server log:\n" + s.log());
            AdminCli tail = followed.get();
            assertEquals(0, tail.exitCode(), tail.err());
            List<String> actions = new ArrayList<>();
            for (String line : tail.out().lines().toList()) {
                actions.add(JSON.readTree(line).path("action").asText());
            }
            assertEquals(List.of("admin:CreateAccount", "admin:ImportToken", "admin:ImportToken"), actions,
                    tail.out());

            AdminCli none = AdminCli.run("admin", "deactivate-root-mfa", d, "--account", newAccount);
            assertEquals(0, none.exitCode(), none.err());
            assertTrue(none.out().contains("The root user of " + newAccount + " has no MFA device."), none.out());
            AdminCli unknown = AdminCli.run("admin", "deactivate-root-mfa", d, "--account", "000000000000");
            assertEquals(1, unknown.exitCode(), unknown.out());
            assertTrue(unknown.err().contains("NoSuchEntity"), unknown.err());

            AdminCli reset = AdminCli.run("admin", "reset-root-password", d, "--account", newAccount, "--json");
            assertEquals(0, reset.exitCode(), reset.err());
            assertEquals("server", reset.json().path("through").asText());
            password = reset.json().path("password").asText();
            assertTrue(password.length() >= 16, reset.out());

            AdminCli table = AdminCli.run("admin", "audit", d, "--since", since);
            assertEquals(0, table.exitCode(), table.err());
            List<String> rows = table.out().lines().toList();
            assertTrue(rows.get(0).matches("TIME +ACCOUNT +PRINCIPAL +ACTION +RESOURCE +DEVICE +OUTCOME +CLIENT +REASON"),
                    rows.get(0));
            assertTrue(rows.stream().anyMatch(r -> r.contains(newAccount) && r.contains("admin:ResetRootPassword")
                    && r.contains("OK")), table.out());
            assertFalse(table.out().contains(password), "the audit log never holds a password");

            // the server kept serving S3 throughout
            assertTrue(s3.listBuckets().buckets().stream().anyMatch(b -> b.name().equals("before-admin")));
        }
        AdminCli offline = AdminCli.run("admin", "audit", d, "--json");
        assertEquals(0, offline.exitCode(), offline.err());
        assertEquals("offline", offline.json().path("through").asText());
        boolean found = false;
        for (JsonNode r : offline.json().path("records")) {
            found |= r.path("action").asText().equals("admin:ResetRootPassword")
                    && r.path("accountId").asText().equals(newAccount);
        }
        assertTrue(found, offline.out());
        AdminCli noTail = AdminCli.run("admin", "audit", d, "--follow");
        assertEquals(2, noTail.exitCode());
        assertTrue(noTail.err().contains("--follow needs a running server"), noTail.err());
    }
}
