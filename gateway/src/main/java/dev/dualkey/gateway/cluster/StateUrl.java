package dev.dualkey.gateway.cluster;

import dev.dualkey.storage.kv.EtcdKvStore;
import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code serve --state} value: {@code etcd://host:port[,host:port...]} (plain HTTP/2 to etcd) or
 * {@code etcds://...} (TLS; also implied by {@code --state-ca} or a client certificate), with etcdctl's TLS
 * options ({@code --state-ca}, {@code --state-cert}, {@code --state-key}, PEM files) and etcd authentication from
 * the environment ({@value #USER_ENV}, {@value #PASSWORD_ENV}; never on the command line, where {@code ps} shows
 * it).
 */
public final class StateUrl {
    public static final String USER_ENV = "DUALKEY_STATE_USER";
    public static final String PASSWORD_ENV = "DUALKEY_STATE_PASSWORD";

    private StateUrl() {
    }

    /**
     * Parses {@code url} and the TLS and auth options into etcd client settings.
     *
     * @throws IllegalArgumentException with a message for the operator
     */
    public static EtcdKvStore.Settings parse(String url, Path ca, Path cert, Path key, Map<String, String> env) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("--state needs etcd://host:port[,host:port...]");
        }
        boolean tls;
        String rest;
        if (url.startsWith("etcd://")) {
            tls = false;
            rest = url.substring("etcd://".length());
        } else if (url.startsWith("etcds://")) {
            tls = true;
            rest = url.substring("etcds://".length());
        } else {
            throw new IllegalArgumentException("--state must start with etcd:// or etcds://: " + url);
        }
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        tls |= ca != null || cert != null;
        List<URI> endpoints = new ArrayList<>();
        for (String hp : rest.split(",", -1)) {
            int colon = hp.lastIndexOf(':');
            if (hp.isEmpty() || colon <= 0 || colon == hp.length() - 1 || hp.contains("/") || hp.contains("@")) {
                throw new IllegalArgumentException("--state endpoint must be host:port: '" + hp + "'");
            }
            int port;
            try {
                port = Integer.parseInt(hp.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--state endpoint port is not a number: '" + hp + "'");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("--state endpoint port out of range: '" + hp + "'");
            }
            endpoints.add(URI.create((tls ? "https://" : "http://") + hp));
        }
        if ((cert == null) != (key == null)) {
            throw new IllegalArgumentException("--state-cert and --state-key go together");
        }
        for (Path p : new Path[] {ca, cert, key}) {
            if (p != null && !Files.isReadable(p)) {
                throw new IllegalArgumentException("cannot read " + p);
            }
        }
        String user = blankToNull(env.get(USER_ENV));
        String password = blankToNull(env.get(PASSWORD_ENV));
        if ((user == null) != (password == null)) {
            throw new IllegalArgumentException(USER_ENV + " and " + PASSWORD_ENV + " go together");
        }
        return new EtcdKvStore.Settings(endpoints, file(ca), file(cert), file(key), user, password, null, null);
    }

    private static File file(Path p) {
        return p == null ? null : p.toFile();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
