package dev.dualkey.compat.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** How each server of the comparison is started; paths come from run.sh through {@link BenchConfig}. */
final class Servers {
    /** Fixed benchmark credentials: they protect nothing (loopback, throw-away data directories). */
    static final String ACCESS_KEY = "AKIABENCHMARK0000001";
    static final String SECRET_KEY = "benchSecretKey0000000000000000000000000000";

    private Servers() {
    }

    static ServerUnderTest create(String name, BenchConfig config, int port) throws IOException {
        Path work = config.workDir().resolve(name);
        deleteRecursively(work);
        Files.createDirectories(work);
        return switch (name) {
            case "dualkey" -> dualkey(config, port, work, true);
            case "dualkey-noenc" -> dualkey(config, port, work, false); // issue 16: the cost of encryption at rest
            case "moto" -> new ServerUnderTest(name, ServerUnderTest.Kind.S3,
                    List.of("moto_server", "-H", "127.0.0.1", "-p", Integer.toString(port)), Map.of(), port, work,
                    null, "moto_server " + motoVersion() + " (in memory; SDK client without Expect: 100-continue, which moto mishandles for large bodies)");
            case "s3proxy" -> s3proxy(config, port, work);
            case "nginx" -> nginx(config, port, work);
            // issue 20: the cluster rows (ClusterServers)
            case "upstream" -> ClusterServers.upstream(work);
            case "cluster1" -> ClusterServers.cluster(name, config, work, 1);
            case "cluster3" -> ClusterServers.cluster(name, config, work, 3);
            default -> throw new IllegalArgumentException("unknown server " + name);
        };
    }

    private static ServerUnderTest dualkey(BenchConfig config, int port, Path work, boolean encrypted)
            throws IOException {
        if (config.dualkeyJar() == null || !Files.isRegularFile(config.dualkeyJar())) {
            throw new IOException("not built: " + config.dualkeyJar());
        }
        Path data = Files.createDirectories(work.resolve("data"));
        List<RootKeys> roots = new ArrayList<>(List.of(new RootKeys(ACCESS_KEY, SECRET_KEY)));
        String problem = null;
        if (config.wants("delete_version_mfa")) {
            problem = createAccounts(config, data, config.mfaAccounts() - 1, roots);
        }
        List<String> command = new ArrayList<>(List.of(dualkeyJava()));
        command.addAll(List.of(config.dualkeyJvmOptions().trim().split("\\s+")));
        // --allow-mfa-over-http: the benchmark sends x-amz-mfa over plain HTTP (a loopback listener accepts it
        // anyway; the flag states it).
        command.addAll(List.of("-jar", config.dualkeyJar().toString(), "serve", "--data-dir", data.toString(),
                "--address", "127.0.0.1:" + port, "--console-address", "127.0.0.1:" + freePort(),
                "--allow-mfa-over-http"));
        if (!encrypted) {
            command.add("--encryption=off");
        }
        ServerUnderTest server = new ServerUnderTest(encrypted ? "dualkey" : "dualkey-noenc", ServerUnderTest.Kind.S3,
                command,
                // MALLOC_ARENA_MAX=2: glibc arenas for RocksDB's allocations on 64 storage threads (README, footprint)
                Map.of("DUALKEY_ROOT_ACCESS_KEY", ACCESS_KEY, "DUALKEY_ROOT_SECRET_KEY", SECRET_KEY,
                        "MALLOC_ARENA_MAX", System.getenv().getOrDefault("MALLOC_ARENA_MAX", "2")), port, work,
                null, "Dualkey " + (encrypted ? "(encryption at rest on" : "(--encryption=off")
                + "; durable: WAL synced, group commit; "
                + (dualkeyJava().equals("java") ? "" : dualkeyJava() + " ") + config.dualkeyJvmOptions().trim()
                + "; --allow-mfa-over-http: x-amz-mfa over plain HTTP on loopback)");
        server.accounts(roots, problem);
        return server;
    }

    /**
     * The java that runs the Dualkey server: run.sh's opt-in {@code BENCH_DUALKEY_JAVA} (another JDK, e.g. 25 for
     * its AOT cache; README "Fast start"), else the PATH's. The load generator and the other servers keep theirs.
     */
    private static String dualkeyJava() {
        String java = System.getenv("BENCH_DUALKEY_JAVA");
        return java == null || java.isBlank() ? "java" : java;
    }

    /**
     * {@code dualkey admin create-account} {@code count} times on the not yet started data directory, or through
     * the admin socket of the server running on it (one JVM each, about 1 s), adding each new root's keys to {@code roots}. The secrets are parsed from the command's
     * output and never written anywhere. Returns why it stopped early, or null.
     */
    static String createAccounts(BenchConfig config, Path data, int count, List<RootKeys> roots)
            throws IOException {
        long t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            // a short-lived client: C1 only and the serial collector start it faster (set-up, not measured)
            Process p = new ProcessBuilder("java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar",
                    config.dualkeyJar().toString(), "admin", "create-account", "--data-dir", data.toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            int status;
            try {
                status = p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted while creating accounts";
            }
            String key = field(out, "Root access key:");
            String secret = field(out, "Root secret key:");
            if (status != 0 || key == null || secret == null) {
                return "dualkey admin create-account exited with " + status + " without root keys";
            }
            roots.add(new RootKeys(key, secret));
        }
        BenchMain.log(String.format(java.util.Locale.ROOT, "created %d accounts in %.1f s (one JVM each)",
                count, (System.nanoTime() - t0) / 1e9));
        return null;
    }

    private static String field(String output, String label) {
        for (String line : output.split("\\R")) {
            if (line.startsWith(label)) {
                return line.substring(label.length()).trim();
            }
        }
        return null;
    }

    private static ServerUnderTest s3proxy(BenchConfig config, int port, Path work) throws IOException {
        if (config.s3proxyJar() == null || !Files.isRegularFile(config.s3proxyJar())) {
            throw new IOException("s3proxy jar missing: " + config.s3proxyJar());
        }
        Path basedir = Files.createDirectories(work.resolve("data"));
        Path properties = work.resolve("s3proxy.conf");
        Files.writeString(properties, String.join("\n",
                "s3proxy.endpoint=http://127.0.0.1:" + port,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + ACCESS_KEY,
                "s3proxy.credential=" + SECRET_KEY,
                "jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + basedir,
                ""));
        return new ServerUnderTest("s3proxy", ServerUnderTest.Kind.S3,
                List.of("java", "-DLOG_LEVEL=warn", "-jar", config.s3proxyJar().toString(), "--properties",
                        properties.toString()),
                Map.of("LOG_LEVEL", "warn"), port, work, null, "s3proxy 2.7.0 (filesystem backend, log WARN; SDK client with requestChecksumCalculation=WHEN_REQUIRED, as s3proxy answers 501 to trailing-checksum bodies)");
    }

    private static ServerUnderTest nginx(BenchConfig config, int port, Path work) throws IOException {
        Path root = Files.createDirectories(work.resolve("root"));
        Files.createDirectories(work.resolve("tmp"));
        Files.createDirectories(work.resolve("logs"));
        String template = Files.readString(config.benchDir().resolve("nginx.conf"));
        Path conf = work.resolve("nginx.conf");
        Files.writeString(conf, template.replace("@PORT@", Integer.toString(port))
                .replace("@PREFIX@", work.toString()).replace("@ROOT@", root.toString()));
        return new ServerUnderTest("nginx", ServerUnderTest.Kind.PLAIN_HTTP,
                List.of("nginx", "-p", work.toString(), "-c", conf.toString()), Map.of(), port, work, root,
                "nginx (static GET, WebDAV PUT; plain-HTTP ceiling)");
    }

    static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static String motoVersion() {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import moto; print(moto.__version__)")
                    .redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
            return p.waitFor() == 0 ? v : "";
        } catch (IOException | InterruptedException e) {
            return "";
        }
    }

    /**
     * Frees the disk a stopped server's rows filled: every directory in its work directory but {@code logs}
     * (object data, RocksDB, etcd, nginx's root; all servers keep their logs as files at the top or in
     * {@code logs/}). Without it each server's data stayed until that server's next start, and in a recording of
     * three runs the other servers' leftovers (s3proxy and nginx about 9 GiB each after their large rows) took the
     * disk that Dualkey's {@code mem_64x256m_uploads} row (16 GiB) needed: in two of the three runs of 879b96e 34-35
     * of its 64 uploads were refused with 503 ("out of storage space"), so that row measured 30 uploads in flight.
     */
    static void dropData(Path work) throws IOException {
        if (!Files.isDirectory(work)) {
            return;
        }
        try (var entries = Files.list(work)) {
            for (Path p : entries.toList()) {
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
                        && !p.getFileName().toString().equals("logs")) {
                    deleteRecursively(p);
                }
            }
        }
    }

    /**
     * Why a row that writes {@code needBytes} should not run on {@code dir}'s file system: empty when it has that
     * much usable space, else a sentence with both figures. A row that ran out of disk would report the server's
     * refusals (correct 503s) as its figure.
     */
    static Optional<String> shortOfSpace(Path dir, long needBytes) throws IOException {
        long usable = Files.getFileStore(dir).getUsableSpace();
        if (usable >= needBytes) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "not run: %.1f GiB usable on the file system of %s, the row "
                + "needs %.1f GiB", usable / (double) (1L << 30), dir, needBytes / (double) (1L << 30)));
    }

    static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (var walk = Files.walk(path)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
