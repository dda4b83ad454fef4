package dev.dualkey.compat.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The servers of the cluster rows (issue 20): {@code upstream} is moto alone, measured by the same client as the
 * gateways; {@code cluster1} and {@code cluster3} are full cluster mode as an operator runs it, {@code serve
 * --upstream http://moto --state etcd://...}, with one or three gateways over one single-member etcd and that same
 * kind of moto. All on loopback, all sharing the machine's cores with the load generator.
 */
final class ClusterServers {
    /** moto checks no signature: any key pair is the gateways' upstream identity. */
    private static final String UPSTREAM_ACCESS_KEY = "bench-upstream";
    private static final String UPSTREAM_SECRET_KEY = "bench-upstream-secret";
    private static final Path ETCD = Path.of("/usr/bin/etcd");
    /** The rows these servers run (BenchMain.runCluster), in the report's order. */
    static final List<String> ROWS = List.of("cluster_put4k_new", "cluster_get4k", "cluster_delete_version",
            "cluster_delete_version_mfa");

    private ClusterServers() {
    }

    /** Whether {@code name} is one of the cluster rows' servers (they run the cluster workloads only). */
    static boolean isClusterRow(String name) {
        return name.equals("upstream") || name.startsWith("cluster");
    }

    static ServerUnderTest upstream(Path work) throws IOException {
        String moto = requireMoto();
        int port = Servers.freePort();
        return new ServerUnderTest("upstream", ServerUnderTest.Kind.S3, List.of(motoPart(moto, port, true)), work,
                null, "moto_server " + Servers.motoVersion() + " alone (in memory), the cluster rows' "
                + "baseline, same client and workloads as the gateways", null);
    }

    /**
     * etcd, moto and {@code gateways} {@code dualkey serve} processes (the benchmark's JVM options each) in full
     * cluster mode; once all listen, {@code config.mfaAccounts() - 1} accounts are made with {@code dualkey admin
     * create-account} through the first gateway's admin socket (so into etcd), for the MFA Delete rows.
     */
    static ServerUnderTest cluster(String name, BenchConfig config, Path work, int gateways) throws IOException {
        if (config.dualkeyJar() == null || !Files.isRegularFile(config.dualkeyJar())) {
            throw new IOException("not built: " + config.dualkeyJar());
        }
        if (!Files.isExecutable(ETCD)) {
            throw new IOException(ETCD + " is not installed (apt-get install etcd-server)");
        }
        String moto = requireMoto();
        int motoPort = Servers.freePort();
        int etcdPort = Servers.freePort();
        int peerPort = Servers.freePort();
        List<ServerUnderTest.Part> parts = new ArrayList<>();
        parts.add(motoPart(moto, motoPort, false));
        String client = "http://127.0.0.1:" + etcdPort;
        String peer = "http://127.0.0.1:" + peerPort;
        parts.add(new ServerUnderTest.Part("etcd", List.of(ETCD.toString(), "--name", "bench",
                "--data-dir", work.resolve("etcd").toString(),
                "--listen-client-urls", client, "--advertise-client-urls", client,
                "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                "--initial-cluster", "bench=" + peer, "--initial-cluster-state", "new"), Map.of(), etcdPort, "/health",
                false));
        byte[] master = new byte[32];
        new SecureRandom().nextBytes(master);
        Map<String, String> env = new HashMap<>(Map.of("DUALKEY_ROOT_ACCESS_KEY", Servers.ACCESS_KEY,
                "DUALKEY_ROOT_SECRET_KEY", Servers.SECRET_KEY,
                // the same master key on every gateway: they unseal one another's secrets in etcd
                "DUALKEY_MASTER_KEY", Base64.getEncoder().encodeToString(master),
                "DUALKEY_UPSTREAM_ACCESS_KEY", UPSTREAM_ACCESS_KEY, "DUALKEY_UPSTREAM_SECRET_KEY", UPSTREAM_SECRET_KEY,
                "MALLOC_ARENA_MAX", System.getenv().getOrDefault("MALLOC_ARENA_MAX", "2")));
        List<Path> dataDirs = new ArrayList<>();
        for (int g = 1; g <= gateways; g++) {
            Path data = Files.createDirectories(work.resolve("gw" + g).resolve("data"));
            dataDirs.add(data);
            int port = Servers.freePort();
            List<String> command = new ArrayList<>(List.of("java"));
            command.addAll(List.of(config.dualkeyJvmOptions().trim().split("\\s+")));
            command.addAll(List.of("-jar", config.dualkeyJar().toString(), "serve", "--data-dir", data.toString(),
                    "--address", "127.0.0.1:" + port, "--console-address", "127.0.0.1:" + Servers.freePort(),
                    "--allow-mfa-over-http", "--upstream", "http://127.0.0.1:" + motoPort,
                    "--state", "etcd://127.0.0.1:" + etcdPort));
            parts.add(new ServerUnderTest.Part("gw" + g, command, env, port, null, true));
        }
        String description = gateways + " Dualkey gateway" + (gateways == 1 ? "" : "s")
                + " in full cluster mode (serve --upstream moto --state etcd; " + config.dualkeyJvmOptions().trim()
                + " each), one single-member etcd " + etcdVersion() + ", moto_server " + Servers.motoVersion()
                + "; the client spreads requests round robin over the gateways; CPU and RSS are the sum of all "
                + "processes (gateways, etcd, moto)";
        return new ServerUnderTest(name, ServerUnderTest.Kind.S3, parts, work, null, description, server -> {
            List<RootKeys> roots = new ArrayList<>(List.of(new RootKeys(Servers.ACCESS_KEY, Servers.SECRET_KEY)));
            String problem = null;
            if (config.wants("cluster_delete_version_mfa")) {
                problem = Servers.createAccounts(config, dataDirs.get(0), config.mfaAccounts() - 1, roots);
            }
            server.accounts(roots, problem);
        });
    }

    private static ServerUnderTest.Part motoPart(String moto, int port, boolean endpoint) {
        return new ServerUnderTest.Part(endpoint ? "server" : "moto",
                List.of(moto, "-H", "127.0.0.1", "-p", Integer.toString(port)), Map.of(), port, "/moto-api/",
                endpoint);
    }

    private static String requireMoto() throws IOException {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, "moto_server");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new IOException("moto_server is not installed (pip install 'moto[server]')");
    }

    private static String etcdVersion() {
        try {
            Process p = new ProcessBuilder(ETCD.toString(), "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            p.waitFor();
            return out.lines().filter(l -> l.startsWith("etcd Version:")).findFirst()
                    .map(l -> l.substring("etcd Version:".length()).trim()).orElse("");
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
