package dev.dualkey.gateway.cli.admin;

import dev.dualkey.mfa.signin.SignInResult;

import dev.dualkey.mfa.audit.Actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.gateway.identity.IdentitySetup;
import dev.dualkey.gateway.identity.IdentityStore;
import dev.dualkey.mfa.identity.BootstrapResult;
import dev.dualkey.mfa.secret.PasswordHasher;
import dev.dualkey.storage.rocks.StorageEngine;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The offline operator commands on a real data directory. */
class AdminCommandsTest {
    @TempDir
    Path dataDir;

    private String accountId;

    /** Output of one command run. */
    record Run(int exit, String out, String err) {
    }

    @BeforeEach
    void bootstrap() {
        List<BootstrapResult> boot = new ArrayList<>();
        try (StorageEngine engine = StorageEngine.open(dataDir, IdentityStore.FAMILIES)) {
            IdentitySetup.withRootKeys("AKIADUALKEYADMINTST1", "adminTestSecretKey000000000000000000000001")
                    .passwordHashing(PasswordHasher.Params.forTests())
                    .onBootstrap(boot::add)
                    .wire(engine.database(), dataDir, engine.objectStore(), Clock.systemUTC());
        }
        accountId = boot.get(0).account().accountId();
    }

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new AdminCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private String dir() {
        return "--data-dir=" + dataDir;
    }

    @Test
    void createAccountPrintsRootSecretsOnce() {
        Run r = run("create-account", "--alias", "team-b", dir());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().matches("(?s)Account: +\\d{12} \\(alias team-b\\).*"), r.out());
        assertTrue(r.out().matches("(?s).*Root access key: +AKIA[A-Z0-9]{16}\\n.*"), r.out());
        assertTrue(r.out().matches("(?s).*Root secret key: +\\S{40}\\n.*"), r.out());
        assertTrue(r.out().contains("Root password:"), r.out());
        Run again = run("create-account", "--alias", "team-b", dir());
        assertEquals(1, again.exit(), again.out());
        assertTrue(again.err().contains("EntityAlreadyExists"), again.err());
    }

    @Test
    void importTokensFromCsvIsIdempotent() throws Exception {
        Path csv = dataDir.resolveSibling(dataDir.getFileName() + "-tokens.csv");
        Files.writeString(csv, "# serial,seed\nGAHT90000001,JUGVDLRRJSJPIGTVQF7LOY6B5FU37XU5\n"
                + "GAHT90000002,OPSRSEGQJNATIEL7PDF7USUKLQYMA5ED\n");
        try {
            Run first = run("import-tokens", csv.toString(), dir());
            assertEquals(0, first.exit(), first.err());
            assertTrue(first.out().startsWith("Imported 2 token(s); 0 already present."), first.out());
            Run second = run("import-tokens", csv.toString(), dir());
            assertTrue(second.out().startsWith("Imported 0 token(s); 2 already present."), second.out());
            Run badKey = run("import-tokens", csv.toString(), "--transport-key", "xyz", dir());
            assertEquals(2, badKey.exit());
        } finally {
            Files.deleteIfExists(csv);
        }
    }

    @Test
    void rootRecoveryAndAudit() {
        Run none = run("deactivate-root-mfa", "--account", accountId, dir());
        assertEquals(0, none.exit(), none.err());
        assertTrue(none.out().contains("has no MFA device"), none.out());
        assertEquals(1, run("deactivate-root-mfa", "--account", "000000000000", dir()).exit());

        Run reset = run("reset-root-password", "--account", accountId, dir());
        assertEquals(0, reset.exit(), reset.err());
        String password = reset.out().lines().findFirst().orElseThrow().replace("New root password: ", "");
        assertFalse(password.isBlank());

        Run audit = run("audit", dir());
        assertEquals(0, audit.exit(), audit.err());
        assertTrue(audit.out().contains("admin:ResetRootPassword"), audit.out());
        assertFalse(audit.out().contains(password), "the audit log never holds a password");
        Run one = run("audit", "--limit", "1", dir());
        assertEquals(2, one.out().lines().count(), "header and one record: " + one.out());
        assertTrue(one.out().startsWith("TIME "), one.out());
        Run follow = run("audit", "--follow", dir());
        assertEquals(2, follow.exit(), follow.out());
        assertTrue(follow.err().contains("--follow needs a running server"), follow.err());
        Run future = run("audit", "--since", "2999-01-01T00:00:00Z", dir());
        assertEquals("", future.out());
        assertEquals(2, run("audit", "--since", "yesterday", dir()).exit());
    }

    @Test
    void resetRootPasswordEndsEveryRootSession() {
        String token;
        try (OfflineDataDir dir = OfflineDataDir.open(dataDir, Map.of())) {
            dir.identity().identity().resetRootPassword(Actor.operator(), accountId, "Known-Root-Passw0rd!");
            SignInResult signedIn = dir.signIn().signInWithPassword(accountId, null, "Known-Root-Passw0rd!", "t");
            assertEquals(SignInResult.Status.SIGNED_IN, signedIn.status());
            token = signedIn.token();
            assertTrue(dir.signIn().session(token).isPresent());
        }
        Run reset = run("reset-root-password", "--account", accountId, dir());
        assertEquals(0, reset.exit(), reset.err());
        assertTrue(reset.out().contains("1 console session(s) of the root user ended."), reset.out());
        try (OfflineDataDir dir = OfflineDataDir.open(dataDir, Map.of())) {
            assertTrue(dir.signIn().session(token).isEmpty(), "the old session no longer works");
        }
    }

    @Test
    void refusesWhileAServerHoldsTheDataDirectory() {
        try (StorageEngine running = StorageEngine.open(dataDir, IdentityStore.FAMILIES)) {
            Run r = run("audit", dir());
            assertEquals(2, r.exit());
            assertTrue(r.err().contains("in use"), r.err());
        }
        Run missing = run("audit", "--data-dir=" + dataDir.resolve("nope"));
        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("no data directory"), missing.err());
    }

    @Test
    void unknownOrMissingSubcommandIsUsageError() {
        assertEquals(2, run().exit());
        assertEquals(2, run("frobnicate").exit());
    }
}
