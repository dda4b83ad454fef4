package dev.dualkey.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad usage of {@code dualkey serve} gives one clear line on stderr and exit code 2, without starting. */
class ServeCommandTest {
    @TempDir
    Path dir;

    static String[] run(String... args) {
        PrintStream oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = DualkeyCli.execute(args);
            return new String[] {Integer.toString(code), err.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setErr(oldErr);
        }
    }

    @Test
    void unknownFlagExitsWithTwo() {
        String[] r = run("serve", "--no-such-flag");
        assertEquals("2", r[0]);
        assertTrue(r[1].startsWith("dualkey: "), r[1]);
        assertEquals(1, r[1].strip().lines().count(), r[1]);
    }

    @Test
    void badAddressExitsWithTwo() {
        String[] r = run("serve", "--data-dir", dir.toString(), "--address", "localhost");
        assertEquals("2", r[0]);
        assertTrue(r[1].contains("--address must be HOST:PORT"), r[1]);
    }

    @Test
    void dataDirThatIsAFileExitsWithTwo() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "x");
        String[] r = run("serve", "--data-dir", file.toString(), "--address", "127.0.0.1:0");
        assertEquals("2", r[0]);
        assertTrue(r[1].contains("data directory"), r[1]);
    }

    @Test
    void tlsFlagsMustComeTogether() {
        String[] r = run("serve", "--data-dir", dir.toString(), "--tls-cert", "c.pem");
        assertEquals("2", r[0]);
        assertTrue(r[1].contains("--tls-cert and --tls-key must be given together"), r[1]);
    }

    @Test
    void addressesParse() {
        assertEquals(new InetSocketAddress("127.0.0.1", 9000), ServeCommand.parseAddress("127.0.0.1:9000", "--a"));
        assertEquals(9001, ServeCommand.parseAddress("[::1]:9001", "--a").getPort());
        assertThrows(IllegalArgumentException.class, () -> ServeCommand.parseAddress("h:99999", "--a"));
    }

    /** SigV2 is on by default; {@code --no-sigv2} (picocli's negated form of {@code --sigv2}) turns it off. */
    @Test
    void sigV2FlagDefaultsOnAndNegates() {
        ServeCommand on = new ServeCommand();
        new picocli.CommandLine(on).parseArgs();
        assertTrue(on.sigV2);
        ServeCommand off = new ServeCommand();
        new picocli.CommandLine(off).parseArgs("--no-sigv2");
        assertEquals(false, off.sigV2);
    }

    /** Loop reads are on by default (session 14); {@code --no-loop-reads} turns them off, {@code --loop-reads} still parses. */
    @Test
    void loopReadsFlagDefaultsOnAndNegates() {
        ServeCommand on = new ServeCommand();
        new picocli.CommandLine(on).parseArgs();
        assertTrue(on.loopReads);
        ServeCommand explicit = new ServeCommand();
        new picocli.CommandLine(explicit).parseArgs("--loop-reads");
        assertTrue(explicit.loopReads);
        ServeCommand off = new ServeCommand();
        new picocli.CommandLine(off).parseArgs("--no-loop-reads");
        assertEquals(false, off.loopReads);
    }

    /** Upstream mode (issue 20): flags parse; credentials come from the environment only; bad URLs are refused. */
    @Test
    void upstreamFlagsNeedCredentialsAndAnHttpUrl() {
        ServeCommand none = new ServeCommand();
        new picocli.CommandLine(none).parseArgs();
        assertEquals(null, none.upstreamSettings(java.util.Map.of()), "without --upstream nothing changes");

        ServeCommand c = new ServeCommand();
        new picocli.CommandLine(c).parseArgs("--upstream", "https://rgw.internal:7480", "--upstream-region",
                "eu-west-1", "--upstream-bucket-prefix", "dk-");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> c.upstreamSettings(java.util.Map.of("DUALKEY_UPSTREAM_ACCESS_KEY", "AK")));
        assertTrue(e.getMessage().contains("DUALKEY_UPSTREAM_SECRET_KEY"), e.getMessage());
        var s = c.upstreamSettings(java.util.Map.of("DUALKEY_UPSTREAM_ACCESS_KEY", "AK",
                "DUALKEY_UPSTREAM_SECRET_KEY", "SK"));
        assertEquals("eu-west-1", s.region());
        assertEquals("dk-", s.bucketPrefix());
        assertEquals("AK", s.accessKey());

        ServeCommand ftp = new ServeCommand();
        new picocli.CommandLine(ftp).parseArgs("--upstream", "ftp://x");
        assertThrows(IllegalArgumentException.class, () -> ftp.upstreamSettings(java.util.Map.of(
                "DUALKEY_UPSTREAM_ACCESS_KEY", "AK", "DUALKEY_UPSTREAM_SECRET_KEY", "SK")));
    }

    @Test
    void upstreamWithoutCredentialsExitsWithTwo() {
        String[] r = run("serve", "--data-dir", dir.toString(), "--address", "127.0.0.1:0", "--upstream",
                "http://127.0.0.1:1");
        assertEquals("2", r[0]);
        assertTrue(r[1].contains("DUALKEY_UPSTREAM_ACCESS_KEY"), r[1]);
    }
}
