package dev.dualkey.storage.rocks;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.storage.disk.LoopDisk;
import dev.dualkey.storage.disk.Privileged;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Power cut, simulated as reliability-methods.md §1c shows: the data directory lives on an ext4 image mounted
 * through a loop device ({@code commit=30}, so the journal does not flush on its own during the test); a
 * {@link CrashWriter} child writes and acknowledges, is SIGKILLed, and the image file is copied at once. Writes
 * that were not fsynced are still dirty in the page cache above the loop device, so the copy holds only what
 * reached the device. The copy is then mounted (journal replay, as after a reboot) and the store reopened on it
 * must hold every acknowledged write, whole ({@link AckedHistory}).
 *
 * <p>The harness checks itself: right before the snapshot it writes a canary file without fsync, which must
 * not be intact in the copy; if it were, the copy would be a page-cache image and the test would prove nothing.
 *
 * <p>Needs root and loop devices: skipped with a message elsewhere, failing under {@code CI=true}
 * ({@link Privileged}).
 */
class PowerCutTest {
    @TempDir
    Path dir;

    @BeforeEach
    void requireRoot() {
        Privileged.require("PowerCutTest", LoopDisk.DEVICES, LoopDisk.COMMANDS);
    }

    @ParameterizedTest(name = "seed {0}, cut after {1} acknowledged writes")
    @CsvSource({"7, 150", "8, 400"})
    @Timeout(90) // hang detector only
    void acknowledgedWritesSurviveAPowerCut(long seed, int killAfter) throws Exception {
        Path image = dir.resolve("disk.img");
        Path crashImage = dir.resolve("crash.img");
        byte[] canary = new byte[1 << 20];
        new Random(seed).nextBytes(canary);
        AckedHistory history;
        try (LoopDisk disk = LoopDisk.format(image, 1L << 30, dir.resolve("mnt"), "commit=30")) {
            Path data = disk.mountPoint().resolve("data");
            history = AckedHistory.runAndKill(data, seed, killAfter, () -> {
                Files.write(disk.mountPoint().resolve("canary"), canary); // no fsync: must be lost
                disk.snapshot(crashImage);
            });
        }
        assertTrue(history.size() >= killAfter, "acknowledged before the cut: " + history.size());
        try (LoopDisk after = LoopDisk.mount(crashImage, dir.resolve("mnt-after"), "defaults")) {
            Path canaryAfter = after.mountPoint().resolve("canary");
            assertFalse(Files.exists(canaryAfter) && Arrays.equals(canary, Files.readAllBytes(canaryAfter)),
                    "un-fsynced canary survived the snapshot: the image copy is not a power-cut image");
            history.verifyReopened(after.mountPoint().resolve("data"));
        }
    }
}
