package dev.dualkey.gateway.cli.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.gateway.identity.IdentitySetup;
import dev.dualkey.gateway.identity.IdentityStore;
import dev.dualkey.mfa.audit.Actor;
import dev.dualkey.mfa.secret.MasterKey;
import dev.dualkey.mfa.secret.PasswordHasher;
import dev.dualkey.storage.kv.EtcdKvStore;
import dev.dualkey.storage.rocks.StorageEngine;
import dev.dualkey.testkit.EtcdServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A single-node data directory moved into etcd with export-state / import-state: the identities, keys and
 * devices of the directory resolve in cluster mode with the directory's master key, secrets unchanged.
 */
class StateExportImportTest {
    private static final String AK = "AKIADUALKEYEXPORT001";
    private static final String SK = "exportTestSecretKey00000000000000000000001";

    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new AdminCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void aDataDirectorysStateMovesIntoEtcd() throws Exception {
        Path data = dir.resolve("data");
        String account;
        String serial;
        java.util.List<dev.dualkey.storage.rocks.ColumnFamilySpec> families = new java.util.ArrayList<>(
                IdentityStore.FAMILIES);
        families.add(dev.dualkey.storage.shared.RocksKv.FAMILY); // a serve --upstream data directory
        byte[] indexKey = "Bphotos".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] indexValue = "the bucket record".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (StorageEngine engine = StorageEngine.open(data, families)) {
            assertTrue(new dev.dualkey.storage.shared.RocksKv(engine.database()).commit(List.of(),
                    List.of(dev.dualkey.storage.shared.SharedKv.Write.put(indexKey, indexValue))));
            IdentitySetup.Wired w = IdentitySetup.withRootKeys(AK, SK).passwordHashing(PasswordHasher.Params
                    .forTests()).wire(engine.database(), data, engine.objectStore(), Clock.systemUTC());
            account = w.store().identity().bootstrapAccount().orElseThrow().accountId();
            w.store().identity().createUser(Actor.operator(), account, "/", "alice", Map.of());
            serial = w.store().devices().createVirtualDevice(Actor.operator(), account, null, "alice", null, null)
                    .device().serialNumber();
        }
        Path file = dir.resolve("state.dump");
        Run exported = run("export-state", "--data-dir", data.toString(), "--out", file.toString());
        assertEquals(0, exported.exit(), exported.err());
        assertTrue(exported.out().contains("DUALKEY_MASTER_KEY"), exported.out());
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(file)));
        assertEquals(1, run("export-state", "--data-dir", data.toString(), "--out", file.toString()).exit(),
                "never overwrites a file");

        try (EtcdServer etcd = EtcdServer.start("StateExportImportTest", dir.resolve("etcd"))) {
            Run imported = run("import-state", "--in", file.toString(), "--state", etcd.stateUrl());
            assertEquals(0, imported.exit(), imported.err());
            assertEquals(1, run("import-state", "--in", file.toString(), "--state", etcd.stateUrl()).exit(),
                    "never into an etcd that already holds state");
            String key = Base64.getEncoder().encodeToString(Files.readAllBytes(data.resolve(MasterKey.FILE_NAME)));
            try (EtcdKvStore state = EtcdKvStore.connect(EtcdKvStore.Settings.of(List.of(etcd.endpoint())))) {
                IdentityStore cluster = IdentityStore.open(state, dir.resolve("gw"), Map.of(MasterKey.ENV, key),
                        Clock.systemUTC(), PasswordHasher.Params.forTests());
                assertEquals(account, cluster.identity().bootstrapAccount().orElseThrow().accountId());
                assertEquals(SK, cluster.identity().findAccessKey(AK).orElseThrow().secretAccessKey());
                assertTrue(cluster.identity().findUser(account, "alice").isPresent());
                assertEquals(account, cluster.devices().getDevice(account, null, serial).accountId());
                // the upstream index moved too: full cluster mode serves the single gateway's buckets
                org.junit.jupiter.api.Assertions.assertArrayEquals(indexValue,
                        new dev.dualkey.storage.shared.KvSharedKv(state).get(indexKey).orElseThrow().value());
            }
        }
    }
}
