package dev.dualkey.mfa.secret;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Loads the 256-bit master key that encrypts secrets at rest.
 *
 * <p>Source, in order: environment {@value #ENV} (base64 of exactly 32 bytes), else the key file
 * {@value #FILE_NAME} in the key directory, created on first use with 32 SecureRandom bytes and POSIX mode
 * 0600 (written to a temp file, fsynced, then moved into place so a crash never leaves a short key).
 * A key file with group/other permissions is refused.
 */
public final class MasterKey {
    /** Environment variable holding base64 of the 32-byte key. */
    public static final String ENV = "DUALKEY_MASTER_KEY";
    /** Key file name inside the key directory. */
    public static final String FILE_NAME = "master.key";
    private static final int KEY_BYTES = 32;
    private static final Set<PosixFilePermission> OWNER_RW = PosixFilePermissions.fromString("rw-------");

    private MasterKey() {
    }

    /** Loads from {@code env} (normally {@code System.getenv()}) or the key file in {@code keyDir}. */
    public static byte[] load(Path keyDir, Map<String, String> env) {
        Optional<String> fromEnv = Optional.ofNullable(env.get(ENV)).map(String::trim).filter(s -> !s.isEmpty());
        if (fromEnv.isPresent()) {
            byte[] key;
            try {
                key = Base64.getDecoder().decode(fromEnv.get());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(ENV + " is not valid base64");
            }
            if (key.length != KEY_BYTES) {
                throw new IllegalStateException(ENV + " must be base64 of exactly 32 bytes");
            }
            return key;
        }
        return loadOrCreateFile(keyDir.resolve(FILE_NAME));
    }

    private static byte[] loadOrCreateFile(Path file) {
        try {
            if (!Files.exists(file)) {
                create(file);
            }
            if (!Files.getPosixFilePermissions(file).equals(OWNER_RW)) {
                throw new IllegalStateException("master key file " + file + " must have mode 0600");
            }
            byte[] key = Files.readAllBytes(file);
            if (key.length != KEY_BYTES) {
                throw new IllegalStateException("master key file " + file + " is corrupt (" + key.length
                        + " bytes)");
            }
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read master key " + file, e);
        }
    }

    private static void create(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        byte[] key = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(key);
        Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_RW));
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(key));
            ch.force(true);
        }
        java.util.Arrays.fill(key, (byte) 0);
        try {
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException raced) {
            Files.deleteIfExists(tmp);
        }
        try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException ignored) {
            // some file systems cannot fsync a directory; the key is already durable in its file
        }
    }
}
