package dev.dualkey.gateway.alert;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dualkey.mfa.audit.AuditRecord;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes security events ({@link AlertClassifier}) to the operator's webhook as JSON, one event per POST.
 *
 * <p>Never in a request's way: {@link #accept} runs on the thread that writes the audit record (a storage thread,
 * possibly holding a device lock) and only appends to a bounded in-memory queue; when the queue is full the oldest
 * event is dropped, counted ({@link #dropped()}) and logged (the first drop and every 1,000th). One daemon thread
 * ({@code dualkey-alert-webhook}) delivers them in order, each attempt bounded by the settings' timeout (a receiver
 * that accepts and never answers costs one timeout per attempt, never a request), retrying network errors, 5xx,
 * 408 and 429 with exponential backoff; other 4xx answers are not retried. Events still queued at shutdown are
 * lost (counted in the log line): the audit log holds them all.
 *
 * <p>Receivers: every event goes to the operator's receiver ({@code serve --alert-webhook}, if any) and to the
 * receiver its account's root chose on the console's Settings page ({@link AccountAlertTargets}, read at delivery
 * time, if any and not the same URL). The operator's is never replaced by an account's: a console session, even
 * with root's code, cannot silence the channel the operator set up on the machine. Each delivery to one receiver is
 * one {@link #delivered()} or {@link #failed()}; {@link #retried()} counts the attempts after the first.
 *
 * <p>Body ({@code application/json}): {@code id} (unique per event, the same across retries: receivers dedupe
 * on it), {@code type}, {@code time}, {@code accountId}, {@code principal}, {@code accessKeyId}, {@code action},
 * {@code outcome}, {@code bucket}, {@code key}, {@code versionId}, {@code deviceSerial}, {@code clientAddress},
 * {@code via}, {@code reason}, {@code root}. Audit records never hold codes, passwords, seeds or secret keys,
 * so neither do events. Headers: {@code X-Dualkey-Event} (the type), {@code X-Dualkey-Delivery} (the id), and,
 * with a secret, {@code X-Dualkey-Signature-256: sha256=HEX} = HMAC-SHA256(secret, body), as GitHub signs its
 * webhooks; the body's {@code time} and {@code id} let a receiver refuse replays.
 */
public final class WebhookAlerts implements Consumer<AuditRecord>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookAlerts.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AlertSettings settings;
    private final AccountAlertTargets accounts;
    private final AlertTarget operator;
    /**
     * Created by the sender thread at its first delivery and only used by it (volatile for {@link #httpClientBuilt}):
     * building an HttpClient initialises the JDK's default TLS context (cacerts, providers: about 0.2 CPU-s and
     * 1,000 classes on a cold JVM), which, made at start, ran after the S3 port accepted and competed with the first
     * requests, on a server that in most set-ups never sends an alert (issue 19).
     */
    private volatile HttpClient http;
    /**
     * Security events not yet delivered, as their audit records: the JSON body and the id (a SecureRandom UUID) are
     * made by the sender thread, not by {@link #accept} on the request's thread (issue 19: building them there cost
     * about 0.4 ms of CPU per MFA version delete, mostly cold Jackson code, whether or not any receiver was set).
     */
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private final Thread sender;
    private final Object pauseLock = new Object();
    private long dropped;
    private long delivered;
    private long failed;
    private long retried;
    private boolean closed;
    private boolean sending;

    private record Event(String id, String type, String accountId, byte[] body) {
    }

    /** A queued event: its type and the (immutable) audit record it is made from. */
    private record Pending(String type, AuditRecord record) {
    }

    private WebhookAlerts(AlertSettings settings, AccountAlertTargets accounts) {
        this.settings = settings;
        this.accounts = accounts == null ? AccountAlertTargets.NONE : accounts;
        this.operator = settings.target().orElse(null);
        this.sender = new Thread(this::run, "dualkey-alert-webhook");
        sender.setDaemon(true);
    }

    /** Starts the delivery thread. */
    public static WebhookAlerts start(AlertSettings settings) {
        return start(settings, AccountAlertTargets.NONE);
    }

    /** Starts the delivery thread, sending each event to the operator's receiver and its account's own. */
    public static WebhookAlerts start(AlertSettings settings, AccountAlertTargets accounts) {
        WebhookAlerts a = new WebhookAlerts(settings, accounts);
        a.sender.start();
        LOG.info("security alerts go to {}{}", a.operator == null ? "no operator receiver"
                : a.operator.origin(), accounts == null || accounts == AccountAlertTargets.NONE ? ""
                : " and to each account's receiver set in the console");
        return a;
    }

    /** Queues {@code record} when it is a security event; returns at once. */
    @Override
    public void accept(AuditRecord record) {
        Optional<String> type = AlertClassifier.classify(record);
        if (type.isPresent()) {
            offer(new Pending(type.get(), record));
        }
    }

    private void offer(Pending e) {
        long droppedNow;
        synchronized (this) {
            if (closed) {
                return;
            }
            if (queue.size() >= settings.queueCapacity()) {
                queue.pollFirst();
                droppedNow = ++dropped;
            } else {
                droppedNow = 0;
            }
            queue.addLast(e);
            notifyAll();
        }
        if (droppedNow == 1 || droppedNow > 0 && droppedNow % 1000 == 0) {
            LOG.warn("alert webhook queue full ({} events): dropped the oldest event ({} dropped so far); the audit "
                    + "log still holds it", settings.queueCapacity(), droppedNow);
        }
    }

    /** Events dropped because the queue was full. */
    public synchronized long dropped() {
        return dropped;
    }

    /** Events the receiver accepted (2xx). */
    public synchronized long delivered() {
        return delivered;
    }

    /** Events given up after their attempts (or refused by a 4xx). */
    public synchronized long failed() {
        return failed;
    }

    /** Attempts after the first (a receiver that failed and was tried again). */
    public synchronized long retried() {
        return retried;
    }

    /** Events waiting, not counting the one being delivered. */
    public synchronized int queued() {
        return queue.size();
    }

    /** Whether nothing is queued or being delivered (tests wait for this instead of sleeping). */
    public synchronized boolean idle() {
        return queue.isEmpty() && !sending;
    }

    private void run() {
        while (true) {
            Pending p;
            synchronized (this) {
                while (queue.isEmpty() && !closed) {
                    try {
                        wait();
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
                if (closed) {
                    return;
                }
                p = queue.pollFirst();
                sending = true;
            }
            try {
                List<AlertTarget> targets = targets(p.type(), p.record().accountId());
                // one id and body per event, made here (not on the request's thread), the same for every receiver
                // and every retry; none at all when the event has no receiver
                Event e = targets.isEmpty() ? null : event(p.type(), p.record());
                for (AlertTarget target : targets) {
                    boolean ok = false;
                    try {
                        ok = deliver(e, target);
                    } catch (RuntimeException re) {
                        LOG.warn("alert {} ({}) not delivered: {}", e.id(), e.type(), re.toString());
                    }
                    synchronized (this) {
                        if (ok) {
                            delivered++;
                        } else {
                            failed++;
                        }
                    }
                }
            } catch (InterruptedException ie) {
                return;
            } finally {
                synchronized (this) {
                    sending = false;
                    notifyAll();
                }
            }
        }
    }

    /** The operator's receiver and the event's account's own (read now), without the same URL twice. */
    private List<AlertTarget> targets(String type, String accountId) {
        List<AlertTarget> out = new ArrayList<>(2);
        if (operator != null) {
            out.add(operator);
        }
        if (accountId != null) {
            try {
                accounts.forAccount(accountId).filter(t -> operator == null || !t.url().equals(operator.url()))
                        .ifPresent(out::add);
            } catch (RuntimeException re) {
                LOG.warn("alert ({}) of account {}: the account's receiver could not be read ({}); sent to the "
                        + "operator's only", type, accountId, re.toString());
            }
        }
        return out;
    }

    /** The HTTP client, built at the first delivery (sender thread only). */
    private HttpClient client() {
        HttpClient h = http;
        if (h == null) {
            h = HttpClient.newBuilder().connectTimeout(settings.timeout()).version(HttpClient.Version.HTTP_1_1)
                    .followRedirects(HttpClient.Redirect.NEVER).build();
            http = h;
        }
        return h;
    }

    /** True once the sender thread has built its HTTP client (a test's view of the lazy start). */
    boolean httpClientBuilt() {
        return http != null;
    }

    /** Tries the event up to the configured attempts; true when a 2xx answered. */
    private boolean deliver(Event e, AlertTarget target) throws InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(target.url()).timeout(settings.timeout())
                .header("Content-Type", "application/json")
                .header("User-Agent", "Dualkey-Alerts/1")
                .header("X-Dualkey-Event", e.type())
                .header("X-Dualkey-Delivery", e.id())
                .POST(HttpRequest.BodyPublishers.ofByteArray(e.body()));
        if (target.secret() != null) {
            b.header("X-Dualkey-Signature-256", "sha256=" + hmac(target.secret(), e.body()));
        }
        HttpRequest request = b.build();
        long backoff = settings.initialBackoff().toMillis();
        String last = null;
        for (int attempt = 1; attempt <= settings.maxAttempts(); attempt++) {
            if (attempt > 1) {
                synchronized (this) {
                    retried++;
                }
            }
            CompletableFuture<HttpResponse<Void>> f = client().sendAsync(request,
                    HttpResponse.BodyHandlers.discarding());
            try {
                int status = f.get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS).statusCode();
                if (status / 100 == 2) {
                    return true;
                }
                last = "HTTP " + status;
                if (status / 100 == 4 && status != 408 && status != 429) {
                    break; // the receiver refuses this event: retrying sends the same bytes again
                }
            } catch (TimeoutException te) {
                f.cancel(true);
                last = "no answer within " + settings.timeout();
            } catch (ExecutionException ee) {
                last = String.valueOf(ee.getCause());
            }
            if (attempt < settings.maxAttempts()) {
                if (!pause(backoff)) {
                    break;
                }
                backoff = Math.min(backoff * 2, settings.maxBackoff().toMillis());
            }
        }
        LOG.warn("alert {} ({}) not delivered to {}: {}", e.id(), e.type(), target.origin(), last);
        return false;
    }

    /** Waits {@code millis} (on its own monitor: new events must not cut a backoff short); false once closed. */
    private boolean pause(long millis) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(1, millis));
        synchronized (pauseLock) {
            while (true) {
                synchronized (this) {
                    if (closed) {
                        return false;
                    }
                }
                long left = until - System.nanoTime();
                if (left <= 0) {
                    return true;
                }
                pauseLock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
    }

    private static Event event(String type, AuditRecord r) {
        String id = UUID.randomUUID().toString();
        ObjectNode n = JSON.createObjectNode();
        n.put("id", id);
        n.put("type", type);
        n.put("time", r.time().toString());
        n.put("accountId", r.accountId());
        n.put("principal", r.principal());
        n.put("accessKeyId", r.accessKeyId());
        n.put("action", r.action());
        n.put("outcome", r.outcome());
        n.put("bucket", r.bucket());
        n.put("key", r.key());
        n.put("versionId", r.versionId());
        n.put("deviceSerial", r.deviceSerial());
        n.put("clientAddress", r.clientAddress());
        n.put("via", r.via());
        n.put("reason", r.reason());
        n.put("root", AlertClassifier.isRoot(r));
        try {
            return new Event(id, type, r.accountId(), JSON.writeValueAsBytes(n));
        } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** Hex HMAC-SHA256 of {@code body} under {@code secret} (the signature header's value after {@code sha256=}). */
    public static String hmac(byte[] secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** Stops delivering (an attempt in progress is abandoned); logs what was still queued. Bounded. */
    @Override
    public void close() {
        int left;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            left = queue.size();
            queue.clear();
            notifyAll();
        }
        synchronized (pauseLock) {
            pauseLock.notifyAll();
        }
        sender.interrupt();
        try {
            sender.join(5000);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
        if (left > 0) {
            LOG.warn("alert webhook stopped with {} event(s) undelivered (they are in the audit log)", left);
        }
    }

}
