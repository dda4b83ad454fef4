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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * <p>Failure: every read waits at most {@code timeout}; on a timeout or an unreachable cluster it throws
 * {@link KvStateUnavailableException}.
 *
 * <p>Commit outcomes (SECURITY.md AC2, AC3). A commit whose answer is lost (timeout, UNAVAILABLE, connection reset)
 * may still be applied: not by jetcd's retries (a txn is sent with {@code autoRetry} off, so jetcd 0.8.5 retries
 * it only on errors etcd returns before applying: invalid auth token, old auth store revision; at most 2 retries,
 * backoff 500 to 2500 ms, within {@code retryMaxDuration} = {@code timeout}), but by gRPC: jetcd's channel is
 * {@code waitForReady}, so a call made while the connection is down waits in the client with no deadline and is
 * sent on reconnection, and cancelling our future does not withdraw it; and a request already in etcd's socket or
 * raft queue is applied when etcd gets to it (a paused or partitioned member). No time bound holds, so the
 * outcome is made known by a marker instead:
 * <ul>
 *   <li>every commit txn is {@code If(conditions..., create_revision(marker) == 0) Then(ops..., put marker = "c"
 *       with lease L) Else(get marker)}; the marker key is {@code prefix + "/commit/" + 32 hex digits} (a random
 *       128-bit id; no space's key starts with {@code prefix + "/"}). Happy path: one more put in the same round
 *       trip. A failed txn whose Else read finds "c" was applied by an earlier delivery of the same request:
 *       success.</li>
 *   <li>answer lost: FENCE, {@code If(create_revision(marker) == 0) Then(put marker = "f" with lease L)
 *       Else(get marker)}, repeated with backoff (50 ms doubling) for at most one more {@code timeout}. "c": the
 *       commit happened; its after-commit actions run and it returns true. "f" (this fence or an earlier one
 *       won): it did not, and never will: every later delivery fails the marker compare while the marker lives,
 *       and once lease L is gone, fails etcd's lease check (a put naming a missing lease refuses the whole txn).
 *       503 {@link KvStateUnavailableException} "fenced: not applied".</li>
 *   <li>no answer to the fence either: 503 "outcome unknown", naming the commit id, logged (ERROR) and counted
 *       ({@link #unknownOutcomes()}); the fence goes on in the background until etcd answers: "c" (applied after
 *       all: its after-commit actions run then, so the audit listeners and the alert webhook hear it late rather
 *       than never), "f" (never applied), or lease L gone (it can no longer apply; whether it did in the minutes
 *       before is logged as unknown). A caller that meanwhile retries builds a new transaction; its conditions
 *       compare the state as it reads it, so at most one of the two can apply (a code is never accepted twice).</li>
 * </ul>
 * Clean-up: markers live on a lease granted for {@value #MARKER_TTL_SECONDS} s, never kept alive, replaced every
 * 60 s (one grant round trip a minute); etcd deletes each marker 240 to 300 s after its commit. A fence resolves
 * within 2 timeouts, so markers outlive every fence short of an outage of minutes (then: the lease case above).
 */
public final class EtcdKvStore implements KvStore, CommitOutcomes {
    /** Default prefix of every key this store writes. */
    public static final String DEFAULT_PREFIX = "dualkey/";
    /** Lifetime of a marker lease (never kept alive). */
    static final long MARKER_TTL_SECONDS = 300;
    /** A new marker lease after this long: every marker lives 240 to 300 s. */
    static final Duration LEASE_ROTATION = Duration.ofSeconds(60);
    private static final ByteSequence APPLIED = ByteSequence.from(new byte[] {'c'});
    private static final ByteSequence FENCED = ByteSequence.from(new byte[] {'f'});
    /** Background fences at once, at most (each holds one transaction): memory stays bounded in an outage. */
    static final int MAX_PENDING_FENCES = 10_000;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Logger LOG = LoggerFactory.getLogger(EtcdKvStore.class);

    private final Client client;
    private final KV kv;
    private final byte[] prefix;
    private final Duration timeout;
    private final String description;
    private final Clock clock;
    /** {@code prefix + "/commit/"}: no space's keys start so (a space name is never empty). */
    private final byte[] markerPrefix;
    private final Object leaseLock = new Object();
    private volatile MarkerLease lease;
    /** Created at the first unknown outcome; guarded by {@link #leaseLock}. */
    private ScheduledExecutorService fencer;
    private final AtomicLong lostAnswers = new AtomicLong();
    private final AtomicLong unknownOutcomes = new AtomicLong();
    private final AtomicLong pendingFences = new AtomicLong();

    private record MarkerLease(long id, java.time.Instant granted) {
    }

    private EtcdKvStore(Client client, String prefix, Duration timeout, String description, Clock clock) {
        this.client = client;
        this.kv = client.getKVClient();
        this.prefix = prefix.getBytes(StandardCharsets.UTF_8);
        this.markerPrefix = Bounds.concat(this.prefix, bytesOf("/commit/"));
        this.clock = clock;
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
        return connect(s, Clock.systemUTC());
    }

    /** {@link #connect(Settings)} with the clock that rotates the marker lease. */
    static EtcdKvStore connect(Settings s, Clock clock) {
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
        return new EtcdKvStore(b.build(), s.prefix(), s.timeout(), "etcd " + s.endpoints(), clock);
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
        // the commit's marker (SECURITY.md AC2): absent before, written by the same txn, read back when it fails
        long lease = markerLease();
        ByteSequence marker = newMarkerKey();
        cmps.add(new Cmp(marker, Cmp.Op.EQUAL, CmpTarget.createRevision(0)));
        ops.add(Op.put(marker, APPLIED, PutOption.builder().withLeaseId(lease).build()));
        CompletableFuture<TxnResponse> sent = kv.txn().If(cmps.toArray(new Cmp[0])).Then(ops.toArray(new Op[0]))
                .Else(Op.get(marker, GetOption.DEFAULT)).commit();
        TxnResponse r;
        try {
            r = sent.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            if (refused(e.getCause())) {
                // etcd's own answer, given before applying anything: nothing to fence
                if (leaseGone(e.getCause())) {
                    dropLease(lease); // the next commit takes a new lease
                }
                throw new KvStateUnavailableException("etcd txn failed: " + e.getCause(), e.getCause());
            }
            return settleLost(txn, marker, lease, "failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            sent.cancel(true);
            return settleLost(txn, marker, lease, "did not answer within " + timeout, e);
        } catch (InterruptedException e) {
            sent.cancel(true);
            Thread.currentThread().interrupt();
            unknownOutcomes.incrementAndGet();
            fenceLater(new Lost(txn, marker, lease, hex(marker)));
            throw new KvStateUnavailableException("interrupted waiting for etcd txn (outcome unknown, fencing commit "
                    + hex(marker) + " in the background)", e);
        }
        if (!r.isSucceeded()) {
            // a condition failed, or the marker exists: then an earlier delivery of this same request applied it
            // (a retry inside the client; jetcd retries a txn only on errors etcd answers before applying, so this
            // is defence, not an expected path); the Else branch read the marker to tell which
            Outcome o = outcomeOf(r.getGetResponses());
            if (o == Outcome.FAILED_CONDITION) {
                return false;
            }
            if (o == Outcome.FENCED) {
                throw new KvStateUnavailableException("etcd commit " + hex(marker) + " was fenced: not applied");
            }
        }
        txn.committed();
        return true;
    }

    /** What etcd says of a commit whose answer was lost, read from its marker. */
    enum Outcome {
        /** The marker is absent: a condition failed (the original's Else branch only). */
        FAILED_CONDITION,
        /** The original applied (marker {@link #APPLIED}). */
        APPLIED,
        /** A fence wrote the marker first: the original can never apply. */
        FENCED,
        /** The marker's lease is gone: the original can no longer apply; whether it did before is unknown. */
        LEASE_GONE
    }

    /** A commit whose answer was lost, until its fence is answered. */
    private record Lost(KvTxn txn, ByteSequence marker, long lease, String id) {
    }

    /**
     * The answer of the original was lost (timeout, UNAVAILABLE, connection reset): fences its marker until etcd
     * answers, for at most one more {@code timeout}, and reports what happened. Applied: the after-commit actions
     * run and the commit is a success. Fenced: not applied and never will be, a 503. No answer: the outcome is
     * unknown, a 503 naming the commit, counted in {@link #unknownOutcomes()}, and the fence goes on in the
     * background ({@link #fenceLater}).
     */
    private boolean settleLost(KvTxn txn, ByteSequence marker, long lease, String why, Throwable cause) {
        String id = hex(marker);
        lostAnswers.incrementAndGet();
        LOG.warn("etcd commit {} {}: fencing it to learn whether it applied", id, why);
        Lost lost = new Lost(txn, marker, lease, id);
        long deadline = System.nanoTime() + timeout.toNanos();
        long pauseMillis = 50;
        while (true) {
            long left = deadline - System.nanoTime();
            Outcome o = fenceOnce(lost, Math.max(left, TimeUnit.MILLISECONDS.toNanos(pauseMillis)));
            if (o == Outcome.APPLIED) {
                LOG.warn("etcd commit {} was applied (its answer was lost): reported as done", id);
                txn.committed();
                return true;
            }
            if (o == Outcome.FENCED) {
                throw new KvStateUnavailableException("etcd commit " + id + " " + why + "; fenced: not applied, never"
                        + " will be", cause);
            }
            if (o == Outcome.LEASE_GONE) {
                unknownOutcomes.incrementAndGet();
                LOG.error("etcd commit {} {}: its marker lease is gone, so it can no longer apply; whether it did"
                        + " before is unknown (its audit record, if any, is in `dualkey admin audit`)", id, why);
                throw new KvStateUnavailableException("etcd commit " + id + " " + why + "; outcome unknown", cause);
            }
            if (Thread.currentThread().isInterrupted() || System.nanoTime() + pauseMillis * 1_000_000 >= deadline) {
                break;
            }
            try {
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            pauseMillis = Math.min(pauseMillis * 2, 1000);
        }
        unknownOutcomes.incrementAndGet();
        fenceLater(lost);
        LOG.error("etcd commit {} {}; its fence got no answer either: outcome unknown, answered 503, fencing in the"
                + " background", id, why);
        throw new KvStateUnavailableException("etcd commit " + id + " " + why + "; outcome unknown (fencing it in the"
                + " background)", cause);
    }

    /**
     * One fence: {@code If(marker absent) Then(put marker = FENCED, same lease) Else(get marker)}. Null when etcd
     * did not answer within {@code waitNanos}. Idempotent: any number of fences and the original, in any order,
     * leave exactly one of APPLIED or FENCED.
     */
    private Outcome fenceOnce(Lost lost, long waitNanos) {
        CompletableFuture<TxnResponse> f = kv.txn()
                .If(new Cmp(lost.marker(), Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                .Then(Op.put(lost.marker(), FENCED, PutOption.builder().withLeaseId(lost.lease()).build()))
                .Else(Op.get(lost.marker(), GetOption.DEFAULT)).commit();
        try {
            TxnResponse r = f.get(waitNanos, TimeUnit.NANOSECONDS);
            if (r.isSucceeded()) {
                return Outcome.FENCED;
            }
            Outcome o = outcomeOf(r.getGetResponses());
            return o == Outcome.FAILED_CONDITION ? null : o;
        } catch (TimeoutException e) {
            f.cancel(true);
            return null;
        } catch (ExecutionException e) {
            return leaseGone(e.getCause()) ? Outcome.LEASE_GONE : null;
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * Keeps fencing a commit whose outcome is unknown, on one daemon thread, every 1 to 10 s, until etcd answers:
     * applied (then its after-commit actions run here, late: the write and its audit record exist, so the audit
     * listeners and the alert webhook hear it after all), fenced (never applied), or its lease gone (can no longer
     * apply). One pending fence holds one transaction; they end when etcd answers or the store closes.
     */
    private void fenceLater(Lost lost) {
        if (pendingFences.incrementAndGet() > MAX_PENDING_FENCES) {
            pendingFences.decrementAndGet();
            LOG.error("etcd commit {}: {} fences pending already; not fenced in the background (it can apply until"
                    + " its lease is gone, 300 s at most)", lost.id(), MAX_PENDING_FENCES);
            return;
        }
        fencer().schedule(() -> fenceInBackground(lost, 1), 1, TimeUnit.SECONDS);
    }

    private void fenceInBackground(Lost lost, int round) {
        Outcome o = fenceOnce(lost, timeout.toNanos());
        if (o == null) {
            long next = Math.min(1L << Math.min(round, 4), 10);
            try {
                fencer().schedule(() -> fenceInBackground(lost, round + 1), next, TimeUnit.SECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                LOG.error("etcd commit {}: store closed, outcome unknown", lost.id());
            }
            return;
        }
        pendingFences.decrementAndGet();
        switch (o) {
            case APPLIED -> {
                LOG.warn("etcd commit {} (answered 503) was applied after all: running its after-commit actions now",
                        lost.id());
                lost.txn().committed();
            }
            case FENCED -> LOG.warn("etcd commit {} (answered 503) was fenced: not applied, never will be", lost.id());
            default -> LOG.error("etcd commit {} (answered 503): its marker lease is gone, so it can no longer apply;"
                    + " whether it did before is unknown", lost.id());
        }
    }

    private ScheduledExecutorService fencer() {
        synchronized (leaseLock) {
            if (fencer == null) {
                fencer = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "etcd-commit-fence");
                    t.setDaemon(true);
                    return t;
                });
            }
            return fencer;
        }
    }

    /** The marker read by a txn's Else branch (one get of the marker; none when the Then branch ran). */
    private static Outcome outcomeOf(List<GetResponse> gets) {
        if (gets.isEmpty() || gets.get(0).getKvs().isEmpty()) {
            return Outcome.FAILED_CONDITION;
        }
        return gets.get(0).getKvs().get(0).getValue().equals(APPLIED) ? Outcome.APPLIED : Outcome.FENCED;
    }

    /**
     * An error etcd answers before proposing the request (a malformed or oversized txn, permissions, a missing
     * lease, no space): nothing was applied. UNAVAILABLE, DEADLINE_EXCEEDED ("request timed out" comes after the
     * proposal), CANCELLED and the rest may hide an applied txn: those are fenced.
     */
    private static boolean refused(Throwable t) {
        return switch (io.grpc.Status.fromThrowable(t).getCode()) {
            case INVALID_ARGUMENT, PERMISSION_DENIED, UNAUTHENTICATED, NOT_FOUND, FAILED_PRECONDITION,
                 RESOURCE_EXHAUSTED, OUT_OF_RANGE -> true;
            default -> false;
        };
    }

    /** etcd's ErrLeaseNotFound: refused before anything applied. */
    private static boolean leaseGone(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c.getMessage() != null && c.getMessage().contains("requested lease not found")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The lease markers are put with: granted for {@link #MARKER_TTL_SECONDS}, never kept alive, replaced after
     * {@link #LEASE_ROTATION}; so a marker lives at least 240 s and etcd deletes it with its lease. One grant
     * round trip per minute, under {@link #leaseLock}.
     */
    private long markerLease() {
        MarkerLease l = lease;
        java.time.Instant now = clock.instant();
        if (l != null && now.isBefore(l.granted().plus(LEASE_ROTATION))) {
            return l.id();
        }
        synchronized (leaseLock) {
            l = lease;
            if (l != null && now.isBefore(l.granted().plus(LEASE_ROTATION))) {
                return l.id();
            }
            long id = await(client.getLeaseClient().grant(MARKER_TTL_SECONDS), "lease grant").getID();
            lease = new MarkerLease(id, now);
            return id;
        }
    }

    private void dropLease(long id) {
        synchronized (leaseLock) {
            if (lease != null && lease.id() == id) {
                lease = null;
            }
        }
    }

    /** For tests: the lease the next commit's marker goes on (granting one if due), and its remaining TTL in s. */
    long[] markerLeaseAndTtl() {
        long id = markerLease();
        long ttl = await(client.getLeaseClient().timeToLive(id, io.etcd.jetcd.options.LeaseOption.DEFAULT),
                "lease ttl").getTTL();
        return new long[] {id, ttl};
    }

    /** For tests: revokes the current marker lease (as its expiry would), deleting its markers. */
    void revokeMarkerLease() {
        MarkerLease l = lease;
        if (l != null) {
            await(client.getLeaseClient().revoke(l.id()), "lease revoke");
            dropLease(l.id());
        }
    }

    /** For tests: the marker of a commit reported by {@link KvStateUnavailableException}, if it still exists. */
    Optional<String> marker(String id) {
        GetResponse r = await(kv.get(ByteSequence.from(Bounds.concat(markerPrefix, bytesOf(id)))), "get");
        return r.getKvs().isEmpty() ? Optional.empty()
                : Optional.of(r.getKvs().get(0).getValue().toString(StandardCharsets.UTF_8));
    }

    /** Commits whose answer was lost (each then fenced), since start. */
    @Override
    public long lostAnswers() {
        return lostAnswers.get();
    }

    /** Commits answered 503 with their outcome unknown (fence unanswered or lease gone), since start. */
    @Override
    public long unknownOutcomes() {
        return unknownOutcomes.get();
    }

    /** Unknown outcomes still being fenced in the background. */
    @Override
    public long pendingFences() {
        return pendingFences.get();
    }

    private ByteSequence newMarkerKey() {
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        return ByteSequence.from(Bounds.concat(markerPrefix, bytesOf(HexFormat.of().formatHex(id))));
    }

    private String hex(ByteSequence marker) {
        byte[] k = marker.getBytes();
        return new String(k, markerPrefix.length, k.length - markerPrefix.length, StandardCharsets.US_ASCII);
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
        synchronized (leaseLock) {
            if (fencer != null) {
                fencer.shutdownNow();
                if (pendingFences.get() > 0) {
                    LOG.error("closing with {} etcd commit(s) of unknown outcome still being fenced",
                            pendingFences.get());
                }
            }
        }
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
