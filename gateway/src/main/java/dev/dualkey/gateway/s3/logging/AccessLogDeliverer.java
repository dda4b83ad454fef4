package dev.dualkey.gateway.s3.logging;

import dev.dualkey.storage.Expectations;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.ObjectWriter;
import dev.dualkey.storage.WriteOptions;
import dev.dualkey.storage.error.NoSuchBucketException;
import dev.dualkey.storage.error.PreconditionFailedException;
import dev.dualkey.storage.model.BucketInfo;
import dev.dualkey.storage.model.ObjectMetadata;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers access log records as objects, in the background: a bounded queue (a full queue drops records and
 * counts them, it never slows a request), flushed every {@code interval} or as soon as {@code batch} records wait,
 * by one thread. Per flush and source bucket, one object named as AWS names them:
 * {@code TargetPrefix + yyyy-MM-dd-HH-mm-ss-UNIQUE} (SimplePrefix) or
 * {@code TargetPrefix + account/region/bucket/yyyy/MM/dd/yyyy-MM-dd-HH-mm-ss-UNIQUE} (PartitionedPrefix; the date is
 * the first record's for EventTime, the delivery's for DeliveryTime).
 *
 * <p>Safety: a delivery is checked again when it is written: the target bucket must still exist, belong to the
 * source bucket's owner and be in its region (else the batch is dropped: a bucket deleted and re-created by
 * someone else never receives another account's logs). The object is written as the owner with
 * {@code If-None-Match: *} and a publish check that refuses to replace a null version, so a delivery never
 * overwrites or destroys an existing version; MFA Delete and Object Lock protect log objects as any others.
 */
public final class AccessLogDeliverer implements AccessLog, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AccessLogDeliverer.class);
    private static final DateTimeFormatter KEY_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd-HH-mm-ss")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter PARTITION = DateTimeFormatter.ofPattern("yyyy/MM/dd")
            .withZone(ZoneOffset.UTC);
    /** How long a bucket's logging configuration is trusted without reading it again. */
    static final Duration CONFIG_TTL = Duration.ofSeconds(5);

    private final ObjectStore store;
    private final dev.dualkey.gateway.acl.CanonicalIds ids;
    private final Clock clock;
    private final int batch;
    private final BlockingQueue<AccessLogRecord> queue;
    private final Map<String, Cached> configs = new ConcurrentHashMap<>();
    /** When logging was last turned on per bucket (on this gateway): earlier requests are not delivered. */
    private final Map<String, Instant> loggingSince = new ConcurrentHashMap<>();
    private final ScheduledExecutorService thread;
    private final AtomicBoolean flushQueued = new AtomicBoolean();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final SecureRandom random = new SecureRandom();

    /** A source bucket's logging configuration as last read (status null: logging off or no such bucket). */
    private record Cached(LoggingStatus status, String owner, String region, Instant expires) {
    }

    /**
     * @param interval how often waiting records are delivered
     * @param batch    records that trigger a delivery before the interval ends
     * @param capacity records the queue holds; more are dropped (and counted)
     */
    public AccessLogDeliverer(ObjectStore store, Clock clock, Duration interval, int batch, int capacity) {
        this(store, clock, interval, batch, capacity, null);
    }

    /**
     * @param ids canonical ids of accounts, to turn a configuration's TargetGrants into grants on each delivered log
     *            object ({@link LogObjectAcl}); null: log objects get the default owner-only ACL
     */
    public AccessLogDeliverer(ObjectStore store, Clock clock, Duration interval, int batch, int capacity,
                              dev.dualkey.gateway.acl.CanonicalIds ids) {
        this.ids = ids;
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(interval, "interval");
        this.batch = batch;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dualkey-access-log");
            t.setDaemon(true);
            return t;
        });
        long ms = Math.max(1, interval.toMillis());
        thread.scheduleWithFixedDelay(this::flushQuietly, ms, ms, TimeUnit.MILLISECONDS);
    }

    @Override
    public boolean wanted(String bucket) {
        Cached c = configs.get(bucket);
        return c == null || c.status() != null || !clock.instant().isBefore(c.expires());
    }

    @Override
    public void record(AccessLogRecord r) {
        if (!queue.offer(r)) {
            dropped.incrementAndGet();
            return;
        }
        if (queue.size() >= batch && flushQueued.compareAndSet(false, true)) {
            thread.execute(() -> {
                flushQueued.set(false);
                flushQuietly();
            });
        }
    }

    @Override
    public void configurationChanged(String bucket, boolean loggingOn) {
        if (loggingOn) {
            loggingSince.put(bucket, clock.instant());
        } else {
            loggingSince.remove(bucket);
        }
        configs.remove(bucket);
    }

    /** Records dropped because the queue was full. */
    public long dropped() {
        return dropped.get();
    }

    /** Log objects written so far. */
    public long delivered() {
        return delivered.get();
    }

    /** Delivers everything queued now, on the delivery thread, and waits for it (tests, shutdown, admin). */
    public void flush() {
        try {
            thread.submit(this::flushQuietly).get(1, TimeUnit.MINUTES);
        } catch (Exception e) {
            throw new IllegalStateException("access log flush failed", e);
        }
    }

    private void flushQuietly() {
        try {
            deliver();
        } catch (RuntimeException e) {
            LOG.warn("access log delivery failed", e);
        }
    }

    private void deliver() {
        List<AccessLogRecord> records = new ArrayList<>();
        queue.drainTo(records);
        if (records.isEmpty()) {
            return;
        }
        Map<String, List<AccessLogRecord>> bySource = new LinkedHashMap<>();
        for (AccessLogRecord r : records) {
            bySource.computeIfAbsent(r.bucket(), b -> new ArrayList<>()).add(r);
        }
        for (Map.Entry<String, List<AccessLogRecord>> e : bySource.entrySet()) {
            try {
                Cached c = config(e.getKey());
                Instant since = loggingSince.get(e.getKey());
                List<AccessLogRecord> logged = since == null ? e.getValue()
                        : e.getValue().stream().filter(r -> !r.time().isBefore(since)).toList();
                if (c.status() != null && !logged.isEmpty()) {
                    deliver(e.getKey(), c, logged);
                }
            } catch (RuntimeException failed) {
                LOG.warn("access logs of bucket {} not delivered ({} records)", e.getKey(), e.getValue().size(),
                        failed);
            }
        }
    }

    private Cached config(String bucket) {
        Instant now = clock.instant();
        Cached c = configs.get(bucket);
        if (c != null && now.isBefore(c.expires())) {
            return c;
        }
        Cached fresh;
        try {
            BucketInfo b = store.headBucket(bucket);
            LoggingStatus status = null;
            try {
                status = LoggingStatus.fromDocument(b.config().subresource("logging"));
            } catch (RuntimeException bad) {
                LOG.warn("unreadable logging configuration of bucket {}", bucket, bad);
            }
            fresh = new Cached(status, b.ownerAccountId(), b.region(), now.plus(CONFIG_TTL));
        } catch (NoSuchBucketException gone) {
            fresh = new Cached(null, null, null, now.plus(CONFIG_TTL));
        }
        configs.put(bucket, fresh);
        return fresh;
    }

    private void deliver(String source, Cached c, List<AccessLogRecord> records) {
        LoggingStatus s = c.status();
        BucketInfo target;
        try {
            target = store.headBucket(s.targetBucket());
        } catch (NoSuchBucketException e) {
            LOG.warn("access logs of {} dropped: target bucket {} does not exist", source, s.targetBucket());
            return;
        }
        if (!target.ownerAccountId().equals(c.owner()) || !target.region().equals(c.region())) {
            LOG.warn("access logs of {} dropped: target bucket {} has another owner or region", source,
                    s.targetBucket());
            return;
        }
        StringBuilder body = new StringBuilder(records.size() * 320);
        for (AccessLogRecord r : records) {
            body.append(r.withOwner(c.owner()).toLine()).append('\n');
        }
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        Instant now = clock.instant();
        String key = key(s, c, source, now, records.get(0).time());
        // TargetGrants become the log object's ACL; SSE-S3 is reported as on any object the store encrypts
        ObjectMetadata meta = dev.dualkey.gateway.s3.sse.ServerSideEncryption.markWrite(ObjectMetadata.builder()
                .contentType("text/plain").attribute(dev.dualkey.gateway.acl.ResourceAcls.KEY,
                        LogObjectAcl.forDelivery(s, target, c.owner(), ids)).build(), store);
        WriteOptions options = WriteOptions.defaults().withOwner(c.owner()).withIfNoneMatchAny(true);
        try (ObjectWriter w = store.newObjectWriter(s.targetBucket(), key, meta, options,
                (bucket, replacesNullVersion) -> {
                    if (replacesNullVersion) {
                        throw new PreconditionFailedException("a log delivery never replaces a version");
                    }
                })) {
            w.write(ByteBuffer.wrap(bytes));
            w.commit(Expectations.none().withContentLength(bytes.length));
            delivered.incrementAndGet();
        }
    }

    private String key(LoggingStatus s, Cached c, String source, Instant now, Instant firstEvent) {
        String unique = HexFormat.of().withUpperCase().formatHex(randomBytes());
        if (!s.partitioned()) {
            return s.targetPrefix() + KEY_TIME.format(now) + "-" + unique;
        }
        Instant day = "DeliveryTime".equals(s.dateSource()) ? now : firstEvent;
        return s.targetPrefix() + c.owner() + "/" + c.region() + "/" + source + "/" + PARTITION.format(day) + "/"
                + KEY_TIME.format(now) + "-" + unique;
    }

    private byte[] randomBytes() {
        byte[] b = new byte[8];
        random.nextBytes(b);
        return b;
    }

    /** Delivers what is queued, then stops the thread. */
    @Override
    public void close() {
        try {
            flush();
        } catch (RuntimeException e) {
            LOG.warn("final access log flush failed", e);
        }
        thread.shutdown();
    }
}
