package dev.dualkey.storage.kv;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import dev.dualkey.storage.rocks.Bounds;
import java.io.File;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link KvStore} in etcd (v3 API, through jetcd), shared by every gateway of a cluster.
 *
 * <p>Layout: etcd key = {@code prefix || space || "/" || key} (prefix {@code "dualkey/"} by default; space names
 * contain no {@code '/'}, so the split is unambiguous and a space is one etcd range); etcd value = the record
 * bytes the RocksDB mode stores, unchanged.
 *
 * <p>Consistency: reads are linearizable (etcd's default, served through the leader with quorum), so a write
 * committed through one gateway is seen by the next read at any other. A transaction is one etcd {@code Txn}:
 * {@code If(value == expected | version == 0 for absence) Then(puts, deletes)}, evaluated and applied by the raft
 * leader atomically: two gateways comparing against the same old value cannot both succeed.
 *
 * <p>Failure: every call waits at most {@code timeout}; on a timeout or an unreachable cluster it throws
 * {@link KvStateUnavailableException}. A commit that timed out may still be applied later by etcd: callers treat
 * it as failed (the request is refused), which for a spent code can only lose a code, never accept one twice,
 * because the step it consumed is in the value every later transaction compares against.
 */
public final class EtcdKvStore implements KvStore {
    /** Default prefix of every key this store writes. */
    public static final String DEFAULT_PREFIX = "dualkey/";

    private final Client client;
    private final KV kv;
    private final byte[] prefix;
    private final Duration timeout;
    private final String description;

    private EtcdKvStore(Client client, String prefix, Duration timeout, String description) {
        this.client = client;
        this.kv = client.getKVClient();
        this.prefix = prefix.getBytes(StandardCharsets.UTF_8);
        this.timeout = timeout;
        this.description = description;
    }

    /**
     * Connection settings, as etcdctl's: endpoints, optional TLS (CA, client certificate and key, PEM files) and
     * optional user/password authentication.
     *
     * @param endpoints {@code http://host:port} or {@code https://host:port}, at least one
     * @param timeout   deadline of every call (and of the readiness probe)
     */
    public record Settings(List<URI> endpoints, File caFile, File certFile, File keyFile, String user,
                           String password, String prefix, Duration timeout) {
        public Settings {
            endpoints = List.copyOf(endpoints);
            if (endpoints.isEmpty()) {
                throw new IllegalArgumentException("at least one etcd endpoint");
            }
            if ((certFile == null) != (keyFile == null)) {
                throw new IllegalArgumentException("a client certificate needs its key and a key its certificate");
            }
            if ((user == null) != (password == null)) {
                throw new IllegalArgumentException("etcd user and password go together");
            }
            prefix = prefix == null ? DEFAULT_PREFIX : prefix;
            timeout = timeout == null ? Duration.ofSeconds(5) : timeout;
        }

        public static Settings of(List<URI> endpoints) {
            return new Settings(endpoints, null, null, null, null, null, null, null);
        }

        public Settings withPrefix(String p) {
            return new Settings(endpoints, caFile, certFile, keyFile, user, password, p, timeout);
        }

        public Settings withTimeout(Duration t) {
            return new Settings(endpoints, caFile, certFile, keyFile, user, password, prefix, t);
        }

        boolean tls() {
            return caFile != null || certFile != null
                    || endpoints.stream().anyMatch(u -> "https".equalsIgnoreCase(u.getScheme()));
        }
    }

    /** Connects (lazily: the first call reaches the cluster; an unreachable cluster shows as unavailable). */
    public static EtcdKvStore connect(Settings s) {
        ClientBuilder b = Client.builder().endpoints(s.endpoints().toArray(new URI[0]))
                .connectTimeout(s.timeout())
                .keepaliveTime(Duration.ofSeconds(10))
                .keepaliveTimeout(Duration.ofSeconds(5))
                // our own deadline bounds every call; jetcd's retries must not outlive it
                .retryMaxDuration(s.timeout());
        if (s.user() != null) {
            b.user(bytes(s.user())).password(bytes(s.password()));
        }
        if (s.tls()) {
            try {
                b.sslContext(ssl -> {
                    if (s.caFile() != null) {
                        ssl.trustManager(s.caFile());
                    }
                    if (s.certFile() != null) {
                        ssl.keyManager(s.certFile(), s.keyFile());
                    }
                });
            } catch (javax.net.ssl.SSLException e) {
                throw new IllegalArgumentException("etcd TLS settings: " + e.getMessage(), e);
            }
        }
        return new EtcdKvStore(b.build(), s.prefix(), s.timeout(), "etcd " + s.endpoints());
    }

    @Override
    public Optional<byte[]> get(String space, byte[] key) {
        dev.dualkey.storage.MemoryOnly.check("etcd read"); // network: never on the event loop
        GetResponse r = await(kv.get(etcdKey(space, key)), "get");
        return r.getKvs().isEmpty() ? Optional.empty() : Optional.of(r.getKvs().get(0).getValue().getBytes());
    }

    @Override
    public List<KvPair> scan(String space, byte[] fromInclusive, byte[] toExclusive, int limit) {
        dev.dualkey.storage.MemoryOnly.check("etcd read"); // network: never on the event loop
        return range(space, fromInclusive, toExclusive, limit, GetOption.SortOrder.ASCEND);
    }

    @Override
    public List<KvPair> scanReverse(String space, byte[] fromInclusive, byte[] toExclusive, int limit) {
        dev.dualkey.storage.MemoryOnly.check("etcd read"); // network: never on the event loop
        // etcd sorts the range server-side and applies the limit after sorting: the largest keys come back
        return range(space, fromInclusive, toExclusive, limit, GetOption.SortOrder.DESCEND);
    }

    private List<KvPair> range(String space, byte[] fromInclusive, byte[] toExclusive, int limit,
                               GetOption.SortOrder order) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0: " + limit);
        }
        List<KvPair> out = new ArrayList<>();
        if (limit == 0) {
            return out;
        }
        byte[] spacePrefix = spacePrefix(space);
        byte[] from = fromInclusive == null ? spacePrefix : Bounds.concat(spacePrefix, fromInclusive);
        byte[] to = toExclusive == null ? Bounds.prefixUpperBound(spacePrefix) : Bounds.concat(spacePrefix, toExclusive);
        if (Arrays.compareUnsigned(from, to) >= 0) {
            return out;
        }
        GetOption opt = GetOption.builder().withRange(ByteSequence.from(to)).withLimit(limit)
                .withSortField(GetOption.SortTarget.KEY).withSortOrder(order).build();
        GetResponse r = await(kv.get(ByteSequence.from(from), opt), "scan");
        for (KeyValue e : r.getKvs()) {
            byte[] full = e.getKey().getBytes();
            out.add(new KvPair(Arrays.copyOfRange(full, spacePrefix.length, full.length), e.getValue().getBytes()));
        }
        return out;
    }

    @Override
    public boolean commit(KvTxn txn) {
        List<Cmp> cmps = new ArrayList<>();
        for (KvTxn.Condition c : txn.conditions()) {
            ByteSequence k = etcdKey(c.space(), c.key());
            cmps.add(c.expected() == null ? new Cmp(k, Cmp.Op.EQUAL, CmpTarget.version(0))
                    : new Cmp(k, Cmp.Op.EQUAL, CmpTarget.value(ByteSequence.from(c.expected()))));
        }
        List<Op> ops = new ArrayList<>();
        for (KvTxn.Op op : txn.ops()) {
            ByteSequence k = etcdKey(op.space(), op.key());
            ops.add(op.isDelete() ? Op.delete(k, DeleteOption.DEFAULT)
                    : Op.put(k, ByteSequence.from(op.value()), PutOption.DEFAULT));
        }
        TxnResponse r = await(kv.txn().If(cmps.toArray(new Cmp[0])).Then(ops.toArray(new Op[0])).commit(), "txn");
        if (!r.isSucceeded()) {
            return false;
        }
        // Not when the answer was lost (a timeout may hide a txn that did commit): an action never runs for a
        // write that may not have happened, at the price of none for one that did (its audit record is stored).
        txn.committed();
        return true;
    }

    /** Raft commits are durable when acknowledged: no deferred sync, ticket 0. */
    @Override
    public OptionalLong commitDeferringSync(KvTxn txn) {
        return commit(txn) ? OptionalLong.of(0) : OptionalLong.empty();
    }

    @Override
    public void awaitDurable(long ticket) {
    }

    /** A linearizable read (needs the leader and a quorum), bounded by the timeout. */
    @Override
    public boolean available() {
        try {
            await(kv.get(ByteSequence.from(Bounds.concat(prefix, bytesOf("health"))),
                    GetOption.builder().withCountOnly(true).build()), "health");
            return true;
        } catch (KvStateUnavailableException e) {
            return false;
        }
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        client.close();
    }

    private ByteSequence etcdKey(String space, byte[] key) {
        return ByteSequence.from(Bounds.concat(spacePrefix(space), Objects.requireNonNull(key, "key")));
    }

    private byte[] spacePrefix(String space) {
        return Bounds.concat(prefix, bytesOf(space), new byte[] {'/'});
    }

    private <T> T await(CompletableFuture<T> f, String what) {
        try {
            return f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new KvStateUnavailableException("etcd " + what + " did not answer within " + timeout, e);
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new KvStateUnavailableException("interrupted waiting for etcd " + what, e);
        } catch (ExecutionException e) {
            throw new KvStateUnavailableException("etcd " + what + " failed: " + e.getCause(), e.getCause());
        }
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    private static byte[] bytesOf(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
