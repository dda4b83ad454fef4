package dev.dualkey.gateway.durable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.gateway.identity.IdentityStore;
import dev.dualkey.mfa.audit.AuditContext;
import dev.dualkey.mfa.device.Purpose;
import dev.dualkey.mfa.otp.Base32;
import dev.dualkey.mfa.otp.TotpGenerator;
import dev.dualkey.mfa.store.DeviceRecord;
import dev.dualkey.mfa.store.MfaStore;
import dev.dualkey.storage.ObjectReader;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.model.ListVersionsPage;
import dev.dualkey.storage.model.ListVersionsQuery;
import dev.dualkey.storage.model.ObjectVersion;
import dev.dualkey.storage.model.VersioningState;
import dev.dualkey.storage.rocks.StorageEngine;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Everything {@link SoakWriter} children acknowledged over all cycles of a soak, and the check of a reopened data
 * directory against it. Acknowledged: present and whole (PUTs with their bytes' MD5, delete markers, users, the
 * versioning state), permanently deleted versions gone, and every accepted MFA code spent (the device's last
 * accepted step is at least the last acknowledged one, and replaying that code is refused). Beyond the
 * acknowledged, at most the one operation in flight at the cut may be visible, and it whole.
 */
final class SoakHistory {
    interface AfterKill {
        void run() throws Exception;
    }

    private String account;
    private String serial;
    private String seed;
    /** bucket/key/versionId -> {key, md5, size} of acknowledged PUTs not yet permanently deleted. */
    private final Map<String, String[]> puts = new HashMap<>();
    private final Set<String> markers = new HashSet<>();
    private final Set<String> deleted = new HashSet<>();
    private final Set<String> users = new HashSet<>();
    private VersioningState versioning; // of SoakWriter.TOGGLED, null = never set
    private VersioningState versioningInFlight;
    /** The version a permanent delete in flight at the cut may have removed. */
    private String deleteInFlight;
    private long lastStep = Long.MIN_VALUE;
    private long acknowledged;

    long acknowledged() {
        return acknowledged;
    }

    boolean setUp() {
        return serial != null;
    }

    /** The first TOTP step of the next run: far above any step a previous run may have consumed. */
    long nextFirstStep(int cycle) {
        return 1_000_000L + cycle * 100_000L;
    }

    /**
     * Runs one child on {@code dataDir}, SIGKILLs it after {@code killAfter} acknowledgements of this run, runs
     * {@code afterKill} (the snapshot), then drains what the child had already written (acknowledged too).
     */
    int runAndKill(Path dataDir, long seedValue, int cycle, int killAfter, AfterKill afterKill) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), SoakWriter.class.getName(), dataDir.toString(),
                Long.toString(seedValue), Long.toString(nextFirstStep(cycle))));
        if (setUp()) {
            cmd.add(serial);
            cmd.add(seed);
        }
        Path stderr = Files.createTempFile("soak-writer", ".err");
        Process child = new ProcessBuilder(cmd).redirectError(stderr.toFile()).start();
        versioningInFlight = null;
        deleteInFlight = null;
        int acks = 0;
        boolean killed = false;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (accept(line)) {
                    acks++;
                }
                if (acks == killAfter && !killed) {
                    new ProcessBuilder("kill", "-9", Long.toString(child.pid())).start().waitFor();
                    assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child did not die");
                    killed = true;
                    afterKill.run();
                }
            }
        } finally {
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
        String err = Files.readString(stderr);
        Files.delete(stderr);
        assertTrue(killed, "the soak writer stopped after " + acks + " acknowledgements: " + err);
        acknowledged += acks;
        return acks;
    }

    /** Parses one line; true for an acknowledgement (a torn last line does not parse and is not counted). */
    private boolean accept(String line) {
        String[] f = line.split(" ");
        switch (f[0]) {
            case "SETUP" -> {
                if (f.length == 4) {
                    account = f[1];
                    serial = f[2];
                    seed = f[3];
                }
                return false;
            }
            case "PUT" -> {
                if (f.length == 7 && (f[3].length() == 32 || f[3].equals("null")) && f[6].length() == 32) {
                    puts.put(f[1] + "/" + f[2] + "/" + f[3], new String[] {f[2], f[6], f[5]});
                    return true;
                }
            }
            case "DEL" -> {
                if (f.length == 4 && f[3].length() == 32) {
                    markers.add(f[1] + "/" + f[2] + "/" + f[3]);
                    return true;
                }
            }
            case "VDEL" -> {
                if (f.length == 5 && f[3].length() == 32 && !f[4].isEmpty()) {
                    String id = f[1] + "/" + f[2] + "/" + f[3];
                    puts.remove(id);
                    markers.remove(id);
                    deleted.add(id);
                    deleteInFlight = null;
                    lastStep = Math.max(lastStep, Long.parseLong(f[4]));
                    return true;
                }
            }
            case "VDEL-BEGIN" -> {
                if (f.length == 4) {
                    deleteInFlight = f[1] + "/" + f[2] + "/" + f[3];
                }
                return false;
            }
            case "VERS-BEGIN" -> {
                if (f.length == 2) {
                    versioningInFlight = VersioningState.valueOf(f[1]);
                }
                return false;
            }
            case "VERS" -> {
                if (f.length == 2 && VersioningState.valueOf(f[1]) == versioningInFlight) {
                    versioning = versioningInFlight;
                    versioningInFlight = null;
                    return true;
                }
            }
            case "USER" -> {
                if (f.length == 2 && f[1].startsWith("u")) {
                    users.add(f[1]);
                    return true;
                }
            }
            default -> {
                return false;
            }
        }
        return false;
    }

    /** Checks the reopened {@code dataDir} (see the class comment); any loss fails an assertion. */
    void verifyReopened(Path dataDir) throws Exception {
        AtomicLong step = new AtomicLong(lastStep == Long.MIN_VALUE ? 0 : lastStep);
        try (StorageEngine engine = SoakWriter.open(dataDir, SoakWriter.stepClock(step))) {
            IdentityStore id = SoakWriter.identity(engine, dataDir, SoakWriter.stepClock(step));
            ObjectStore store = engine.objectStore();
            List<String> extras = new ArrayList<>();
            Map<String, String[]> adopt = new HashMap<>();
            for (String bucket : List.of(SoakWriter.MAIN, SoakWriter.TOGGLED)) {
                for (ObjectVersion v : listAll(store, bucket)) {
                    String vid = bucket + "/" + v.key() + "/" + v.versionId();
                    assertTrue(!deleted.contains(vid), "a version deleted with an accepted MFA code is back: " + vid);
                    if (v.deleteMarker()) {
                        if (!markers.contains(vid)) {
                            extras.add(vid);
                            adopt.put(vid, null);
                        }
                        continue;
                    }
                    String[] expected = puts.get(vid);
                    byte[] data;
                    try (ObjectReader r = store.openObject(bucket, v.key(), v.versionId());
                         InputStream in = r.openStream()) {
                        data = in.readAllBytes();
                    }
                    assertEquals(v.size(), data.length, "size of " + vid);
                    String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
                    if (v.partsCount() == 0) {
                        assertEquals(v.etag(), md5, "bytes of " + vid);
                    }
                    if (expected == null || (v.versionId().equals("null") && !expected[1].equals(md5))) {
                        extras.add(vid); // new, or a null version replaced by the write in flight
                        adopt.put(vid, new String[] {v.key(), md5, Long.toString(v.size())});
                    } else {
                        assertEquals(expected[1], md5, "bytes of acknowledged " + vid);
                    }
                }
            }
            assertTrue(extras.size() <= 1, "more than the one operation in flight is visible: " + extras);
            Set<String> present = new HashSet<>();
            for (String bucket : List.of(SoakWriter.MAIN, SoakWriter.TOGGLED)) {
                listAll(store, bucket).forEach(v -> present.add(bucket + "/" + v.key() + "/" + v.versionId()));
            }
            for (String p : puts.keySet()) {
                assertTrue(present.contains(p) || p.equals(deleteInFlight), "acknowledged PUT lost: " + p);
            }
            // what the operation in flight left is on disk now: later cycles must keep it like an acknowledged one
            adopt.forEach((vid, put) -> {
                if (put == null) {
                    markers.add(vid);
                } else {
                    puts.put(vid, put);
                }
            });
            if (deleteInFlight != null && !present.contains(deleteInFlight)) {
                puts.remove(deleteInFlight); // the delete in flight took effect: the version stays gone
                markers.remove(deleteInFlight);
                deleted.add(deleteInFlight);
            }
            for (String m : markers) {
                assertTrue(present.contains(m) || m.equals(deleteInFlight), "acknowledged delete marker lost: " + m);
            }
            for (String u : users) {
                assertTrue(id.identity().findUser(account, u).isPresent(), "acknowledged CreateUser lost: " + u);
            }
            if (versioning != null) {
                VersioningState now = store.headBucket(SoakWriter.TOGGLED).versioning();
                assertTrue(now == versioning || now == versioningInFlight,
                        "acknowledged versioning " + versioning + " lost: " + now);
                versioning = now; // the change in flight may have taken effect: that is the state to keep now
            }
            if (lastStep != Long.MIN_VALUE) {
                DeviceRecord d = new MfaStore(engine.database()).devices().get(serial).orElseThrow();
                assertTrue(d.lastUsedStep() >= lastStep, "the device's last accepted step went back from "
                        + lastStep + " to " + d.lastUsedStep() + ": a spent code is usable again");
                assertTrue(!id.verifier().verify(account, "root", serial,
                        TotpGenerator.code(Base32.decode(seed), lastStep), Purpose.S3_MFA_DELETE,
                        AuditContext.none()).accepted(), "the last acknowledged code was accepted again");
            }
        }
    }

    private static List<ObjectVersion> listAll(ObjectStore store, String bucket) {
        List<ObjectVersion> all = new ArrayList<>();
        String km = null;
        String vm = null;
        while (true) {
            ListVersionsPage page = store.listObjectVersions(bucket, new ListVersionsQuery("", null, km, vm, 1000));
            all.addAll(page.versions());
            if (!page.truncated()) {
                return all;
            }
            km = page.nextKeyMarker();
            vm = page.nextVersionIdMarker();
        }
    }
}
