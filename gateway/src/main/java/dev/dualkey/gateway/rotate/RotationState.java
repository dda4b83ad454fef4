package dev.dualkey.gateway.rotate;

import dev.dualkey.storage.OwnerOnlyFiles;
import dev.dualkey.storage.rocks.DataKeyRewrapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Properties;

/**
 * The cursor of a master key rotation, {@code DATA_DIR/}{@value #FILE_NAME}: which key the run moves everything
 * to, and how far the object data pass got. Written as a temp file, fsynced, renamed over the old one, so a crash
 * leaves the previous cursor or the new one. The cursor only saves work: every step checks an item's key
 * fingerprint before changing it, so a lost or stale cursor (or none) costs a longer run, never a wrong one.
 *
 * <p>Format (java.util.Properties, UTF-8):
 * <pre>
 *   target = current key's fingerprint, 8 hex digits (a cursor for another target is ignored)
 *   phase  = INLINE | BLOBS | DONE
 *   after  = hex of the last item done in the phase (absent at the phase's start)
 * </pre>
 */
public record RotationState(int target, DataKeyRewrapper.Cursor cursor) {
    public static final String FILE_NAME = "master-key-rotation.state";

    /** The cursor in {@code dataDir} for {@code target}, if one was saved. */
    public static Optional<RotationState> load(Path dataDir, int target) {
        Path f = dataDir.resolve(FILE_NAME);
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (var r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty(); // unreadable: start over (safe, see the class comment)
        }
        try {
            int t = Integer.parseUnsignedInt(p.getProperty("target", ""), 16);
            if (t != target) {
                return Optional.empty();
            }
            DataKeyRewrapper.Phase phase = DataKeyRewrapper.Phase.valueOf(p.getProperty("phase", ""));
            String after = p.getProperty("after");
            return Optional.of(new RotationState(t, new DataKeyRewrapper.Cursor(phase,
                    after == null || after.isEmpty() ? null : HexFormat.of().parseHex(after))));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Saves durably (temp file, fsync, rename, directory fsync). */
    public void save(Path dataDir) {
        Properties p = new Properties();
        p.setProperty("target", String.format("%08x", target));
        p.setProperty("phase", cursor.phase().name());
        if (cursor.after() != null) {
            p.setProperty("after", HexFormat.of().formatHex(cursor.after()));
        }
        Path f = dataDir.resolve(FILE_NAME);
        Path tmp = dataDir.resolve(FILE_NAME + ".tmp");
        try {
            Files.deleteIfExists(tmp);
            try (FileChannel ch = FileChannel.open(tmp, java.util.Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE), OwnerOnlyFiles.fileAttributes())) {
                var out = new java.io.StringWriter();
                p.store(out, "dualkey master key rotation cursor");
                ch.write(java.nio.ByteBuffer.wrap(out.toString().getBytes(StandardCharsets.UTF_8)));
                ch.force(true);
            }
            Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel d = FileChannel.open(dataDir, StandardOpenOption.READ)) {
                d.force(true);
            } catch (IOException ignored) {
                // some file systems cannot fsync a directory
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the rotation cursor in " + dataDir, e);
        }
    }
}
