package dev.dualkey.gateway.rotate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dualkey.gateway.admin.AdminFailure;
import dev.dualkey.gateway.admin.AdminHandler;
import dev.dualkey.gateway.identity.IdentityStore;
import dev.dualkey.gateway.kms.KmsRegistry;
import dev.dualkey.mfa.rotate.SecretResealer;
import dev.dualkey.mfa.secret.MasterKey;
import dev.dualkey.mfa.secret.SecretBox;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.crypto.MasterKeyWrapper;
import dev.dualkey.storage.kv.RocksKvStore;
import dev.dualkey.storage.rocks.DataKeyRewrapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@code rotate-master-key}: moves everything sealed under the master key to a new one. The same job runs in the
 * server (admin socket, online: requests keep being served, both keys read meanwhile) and in the CLI (offline).
 *
 * <ol>
 *   <li><b>Introduce</b> (only when no previous key is configured): a key held in {@code DATA_DIR/master.key} is
 *       moved to {@code master.key.previous} and a fresh key written in its place ({@link MasterKey#introduceNewKey};
 *       online, the running server's sealing box and data key wrapper switch to it at once). A key given in
 *       {@code DUALKEY_MASTER_KEY} cannot be replaced by the server: the operator restarts with the new key there
 *       and the old one in {@code DUALKEY_MASTER_KEY_PREVIOUS} and runs the command again. In cluster mode (state in
 *       etcd) every gateway must hold both keys before anything is re-sealed, so the introduction is refused there
 *       too and the environment route is the only one.</li>
 *   <li><b>Re-seal secrets</b>: MFA seeds, access key and session secrets ({@link SecretResealer}), KMS key material
 *       ({@link KmsRegistry#resealUnderCurrentKey}).</li>
 *   <li><b>Re-wrap data keys</b> of inline values and blob files ({@link DataKeyRewrapper}), the cursor saved in
 *       {@link RotationState} every few items, so a killed run resumes.</li>
 *   <li><b>Check and retire</b>: the result says whether anything is still under a previous key; with
 *       {@code retire} a whole second pass from the start must find nothing left to move (an upload that began
 *       before the switch, with its data key wrapped under the old key, and was published after the first pass
 *       went by is caught here), and only then {@code master.key.previous} is removed (an environment-held
 *       previous key is for the operator to remove).</li>
 * </ol>
 * Items written while the job runs are sealed under the new key already. Result: {@code {"currentKey","previousKeys",
 * "introduced","secrets":{examined,resealed},"kmsKeys":{resealed},"data":{examined,rewrapped,failed:[..]},
 * "complete","retired","next"}}.
 */
public final class MasterKeyRotation {
    private static final ReentrantLock RUNNING = new ReentrantLock();
    private final Path dataDir;
    private final Map<String, String> env;
    private final IdentityStore identity;
    private final KmsRegistry kms;
    private final ObjectStore objects;

    /**
     * @param dataDir  where the key files and the cursor live
     * @param env      the environment the server was started with ({@code DUALKEY_MASTER_KEY...})
     * @param identity the identity store (its sealing box, data key wrapper and state)
     * @param kms      the SSE-KMS key registry, or null (none)
     * @param objects  the object store (its local data keys are re-wrapped)
     */
    public MasterKeyRotation(Path dataDir, Map<String, String> env, IdentityStore identity, KmsRegistry kms,
                             ObjectStore objects) {
        this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
        this.env = Objects.requireNonNull(env, "env");
        this.identity = Objects.requireNonNull(identity, "identity");
        this.kms = kms;
        this.objects = Objects.requireNonNull(objects, "objects");
    }

    /** The admin handler (args: {@code retire} boolean, {@code rateBytesPerSecond}). */
    public AdminHandler handler() {
        return (args, events) -> run(args.path("retire").asBoolean(false), args.path("rateBytesPerSecond").asLong(0),
                events);
    }

    private static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    /** Runs the rotation (see the class comment); one at a time per process. */
    public ObjectNode run(boolean retire, long rateBytesPerSecond, AdminHandler.Events events) {
        if (!RUNNING.tryLock()) {
            throw new AdminFailure("a master key rotation is already running");
        }
        try {
            return runLocked(retire, rateBytesPerSecond, events);
        } finally {
            RUNNING.unlock();
        }
    }

    private ObjectNode runLocked(boolean retire, long rate, AdminHandler.Events events) {
        SecretBox box = identity.secretBox();
        MasterKeyWrapper dataKeys = identity.masterKeys();
        ObjectNode out = object();
        boolean introduced = false;
        if (!box.hasPreviousKeys()) {
            introduce();
            introduced = true;
        }
        out.put("currentKey", hex(box.currentFingerprint()));
        out.put("introduced", introduced);
        int target = box.currentFingerprint();

        SecretResealer secrets = new SecretResealer(identity.mfaStore(), box);
        SecretResealer.Report s = secrets.run();
        ObjectNode sn = out.putObject("secrets");
        sn.put("examined", s.examined());
        sn.put("resealed", s.resealed());
        int kmsResealed = kms == null ? 0 : kms.resealUnderCurrentKey();
        out.putObject("kmsKeys").put("resealed", kmsResealed);

        ObjectNode dn = out.putObject("data");
        ArrayNode failed = dn.putArray("failed");
        boolean dataDone = true;
        Optional<DataKeyRewrapper> rewrapper = DataKeyRewrapper.of(objects, dataKeys);
        if (rewrapper.isPresent()) {
            DataKeyRewrapper r = rewrapper.get().withRate(rate);
            DataKeyRewrapper.Cursor from = RotationState.load(dataDir, target).map(RotationState::cursor)
                    .orElse(DataKeyRewrapper.Cursor.START);
            long total = r.estimate();
            DataKeyRewrapper.Report report = r.run(from, new DataKeyRewrapper.Listener() {
                @Override
                public void item(long examined) {
                    ObjectNode e = object();
                    e.put("event", "progress");
                    e.put("done", Math.min(examined, total));
                    e.put("total", total);
                    events.send(e);
                }

                @Override
                public void checkpoint(DataKeyRewrapper.Cursor c, DataKeyRewrapper.Report soFar) {
                    new RotationState(target, c).save(dataDir);
                }
            });
            dn.put("resumed", from.phase() != DataKeyRewrapper.Phase.INLINE || from.after() != null);
            dn.put("examined", report.examined());
            dn.put("rewrapped", report.rewrapped());
            report.failed().forEach(failed::add);
            dataDone = report.failed().isEmpty();
            if (retire && dataDone) {
                // Before the old key goes: a whole second pass from the start. A write that began before the
                // switch to the new key (its data key wrapped then) and was published after the first pass went
                // by is found here; retiring waits until a pass finds nothing left to move.
                DataKeyRewrapper.Report check = rewrapper.get().withRate(rate).run(DataKeyRewrapper.Cursor.START,
                        (c, soFar) -> { });
                dn.put("verifiedExamined", check.examined());
                dn.put("movedByVerification", check.rewrapped());
                check.failed().forEach(failed::add);
                dataDone = check.failed().isEmpty() && check.rewrapped() == 0;
            }
        }

        long secretsLeft = secrets.remaining() + (kms == null ? 0 : kms.sealedUnderPreviousKey());
        boolean complete = secretsLeft == 0 && dataDone;
        out.put("secretsUnderPreviousKey", secretsLeft);
        out.put("complete", complete);
        boolean retired = false;
        String next;
        if (!complete) {
            next = "Some items are still under the previous key, or were moved only now (see data.failed, "
                    + "data.movedByVerification; run `dualkey admin scrub`); keep the previous key and run this "
                    + "command again.";
        } else if (retire) {
            if (Files.exists(dataDir.resolve(MasterKey.PREVIOUS_FILE_NAME))) {
                retired = MasterKey.retirePreviousFile(dataDir);
            }
            next = env.containsKey(MasterKey.PREVIOUS_ENV)
                    ? "Nothing needs the previous key: remove " + MasterKey.PREVIOUS_ENV + " from the environment "
                    + "(of every gateway) and restart."
                    : "The previous key file was removed; the server reads with the new key only from its next start.";
        } else {
            next = "Everything is under key " + hex(target) + ": the previous key is no longer needed by this data "
                    + "directory. Keep a copy offline while backups made before the rotation exist, then run again "
                    + "with --retire (or remove " + MasterKey.PREVIOUS_FILE_NAME + " / " + MasterKey.PREVIOUS_ENV
                    + ").";
        }
        out.put("retired", retired);
        out.put("next", next);
        return out;
    }

    private void introduce() {
        if (!(identity.stateStore() instanceof RocksKvStore)) {
            throw new AdminFailure("cluster mode: give every gateway the new key in " + MasterKey.ENV
                    + " and the old one in " + MasterKey.PREVIOUS_ENV + ", restart them all, then run this again");
        }
        String fromEnv = env.get(MasterKey.ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            throw new AdminFailure("the master key comes from " + MasterKey.ENV + ": restart with the new key in "
                    + MasterKey.ENV + " and the old one in " + MasterKey.PREVIOUS_ENV
                    + " (a new key: head -c 32 /dev/urandom | base64), then run this again");
        }
        byte[] fresh;
        try {
            fresh = MasterKey.introduceNewKey(dataDir, env);
        } catch (IllegalStateException e) {
            throw new AdminFailure(e.getMessage());
        }
        try {
            identity.secretBox().rotateTo(fresh);
            identity.masterKeys().rotateTo(fresh);
        } finally {
            Arrays.fill(fresh, (byte) 0);
        }
    }

    private static String hex(int fingerprint) {
        return String.format("%08x", fingerprint);
    }

    /** A human summary of a result (the CLI prints it). */
    public static String describe(JsonNode r) {
        StringBuilder b = new StringBuilder();
        if (r.path("introduced").asBoolean()) {
            b.append("New master key ").append(r.path("currentKey").asText())
                    .append(" introduced (the old one moved to ").append(MasterKey.PREVIOUS_FILE_NAME).append(").\n");
        }
        b.append(String.format("Re-sealed %d of %d secrets and %d KMS key(s); re-wrapped %d of %d data keys%s "
                        + "under key %s.%n", r.path("secrets").path("resealed").asLong(),
                r.path("secrets").path("examined").asLong(), r.path("kmsKeys").path("resealed").asLong(),
                r.path("data").path("rewrapped").asLong(), r.path("data").path("examined").asLong(),
                r.path("data").path("resumed").asBoolean() ? " (resumed)" : "", r.path("currentKey").asText()));
        for (JsonNode f : r.path("data").path("failed")) {
            b.append("  not re-wrapped: ").append(f.asText()).append('\n');
        }
        if (r.path("retired").asBoolean()) {
            b.append("Previous key retired.\n");
        }
        b.append(r.path("next").asText());
        return b.toString();
    }
}
