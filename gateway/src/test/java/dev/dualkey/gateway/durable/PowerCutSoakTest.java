package dev.dualkey.gateway.durable;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.storage.disk.LoopDisk;
import dev.dualkey.storage.disk.Privileged;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Power-cut soak: {@code dualkey.soak.cycles} (default 2 in CI; 200 by hand, see README "Durability") power
 * cuts of one data directory running a mixed workload of the storage engine and the mfa identity store
 * ({@link SoakWriter}: small and large PUTs, multipart completions, delete markers, version deletes with accepted
 * MFA codes, versioning changes, CreateUser). Each cycle mounts the disk image through a loop device
 * ({@code commit=30}), runs a writer until a random number of acknowledgements, SIGKILLs it, copies the image at
 * once (the power-cut image: what had not been fsynced is not in it), mounts the copy (journal replay) and checks
 * it against everything acknowledged since the first cycle ({@link SoakHistory}); the copy is the next cycle's
 * disk, so recovery runs on recovered state again and again.
 *
 * <p>Self-check as in the storage PowerCutTest: an un-fsynced canary written right before the snapshot must not
 * be in the copy. Prints one summary line (cycles, acknowledged operations, lost = 0 since any loss fails).
 * With {@code -Ddualkey.soak.progress=FILE} each verified cycle appends its running totals to FILE.
 * Needs root and loop devices ({@link Privileged}: fails under CI=true, skipped elsewhere).
 */
class PowerCutSoakTest {
    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedOperationSurvivesEveryPowerCut() throws Exception {
        Privileged.require("PowerCutSoakTest", LoopDisk.DEVICES, LoopDisk.COMMANDS);
        int cycles = Integer.getInteger("dualkey.soak.cycles", 2);
        long seed = Long.getLong("dualkey.soak.seed", 17);
        Random rnd = new Random(seed);
        Path image = dir.resolve("disk.img");
        Path crash = dir.resolve("crash.img");
        byte[] canary = new byte[1 << 16];
        SoakHistory history = new SoakHistory();
        long started = System.nanoTime();
        LoopDisk.format(image, 2L << 30, dir.resolve("mnt"), "commit=30").close();
        for (int cycle = 0; cycle < cycles; cycle++) {
            int killAfter = 20 + rnd.nextInt(100);
            rnd.nextBytes(canary);
            try (LoopDisk disk = LoopDisk.mount(image, dir.resolve("mnt"), "commit=30")) {
                Path data = disk.mountPoint().resolve("data");
                history.runAndKill(data, rnd.nextLong(), cycle, killAfter, () -> {
                    Files.write(disk.mountPoint().resolve("canary"), canary); // no fsync: must be lost
                    disk.snapshot(crash);
                });
            }
            try (LoopDisk after = LoopDisk.mount(crash, dir.resolve("mnt-after"), "defaults")) {
                Path c = after.mountPoint().resolve("canary");
                assertFalse(Files.exists(c) && Arrays.equals(canary, Files.readAllBytes(c)),
                        "un-fsynced canary survived the snapshot: the image copy is not a power-cut image");
                Files.deleteIfExists(c);
                history.verifyReopened(after.mountPoint().resolve("data"));
            }
            Files.move(crash, image, StandardCopyOption.REPLACE_EXISTING);
            String progress = System.getProperty("dualkey.soak.progress");
            if (progress != null) { // long runs: one line per verified cycle, so a stopped run still has figures
                Files.writeString(Path.of(progress), "cycle=" + (cycle + 1) + " acknowledged="
                        + history.acknowledged() + " lost=0 seconds=" + (System.nanoTime() - started) / 1_000_000_000L
                        + "\n", java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            }
        }
        assertTrue(history.acknowledged() > 0);
        long seconds = (System.nanoTime() - started) / 1_000_000_000L;
        System.out.println("power-cut soak: cycles=" + cycles + " acknowledged=" + history.acknowledged()
                + " lost=0 seconds=" + seconds + " seed=" + seed);
    }
}
