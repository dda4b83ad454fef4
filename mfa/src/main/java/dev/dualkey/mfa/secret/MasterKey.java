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
    /**
     * Environment variable holding the previous master key(s) during a rotation (base64 of 32 bytes each,
     * comma-separated): read, never used to seal ({@code admin rotate-master-key}).
     */
    public static final String PREVIOUS_ENV = "DUALKEY_MASTER_KEY_PREVIOUS";
    /** The previous key's file during a rotation of a file-held key ({@code admin rotate-master-key}). */
    public static final String PREVIOUS_FILE_NAME = "master.key.previous";
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

    /**
     * The current key and the previous ones still read during a master key rotation: the current one as
     * {@link #load}; previous ones from {@value #PREVIOUS_ENV} and the file {@value #PREVIOUS_FILE_NAME} in
     * {@code keyDir} (either or both; duplicates of the current key are dropped: a crash between writing the
     * previous file and replacing the key file leaves both equal).
     *
     * @param current         seals everything sealed from now on
     * @param previous        opens what was sealed before the rotation finished
     * @param fromEnvironment the current key came from {@value #ENV} (so a new one cannot be introduced by writing
     *                        the key file)
     */
    public record Ring(byte[] current, java.util.List<byte[]> previous, boolean fromEnvironment) {
        /** True while a rotation's previous key is configured. */
        public boolean rotating() {
            return !previous.isEmpty();
        }
    }

    /** Loads the current key and the previous ones ({@link Ring}). */
    public static Ring loadRing(Path keyDir, Map<String, String> env) {
        byte[] current = load(keyDir, env);
        boolean fromEnv = Optional.ofNullable(env.get(ENV)).map(String::trim).filter(s -> !s.isEmpty()).isPresent();
        java.util.List<byte[]> previous = new java.util.ArrayList<>();
        String prevEnv = env.get(PREVIOUS_ENV);
        if (prevEnv != null && !prevEnv.isBlank()) {
            for (String part : prevEnv.split(",")) {
                if (part.isBlank()) {
                    continue;
                }
                byte[] k;
                try {
                    k = Base64.getDecoder().decode(part.trim());
                } catch (IllegalArgumentException e) {
                    throw new IllegalStateException(PREVIOUS_ENV + " is not valid base64");
                }
                if (k.length != KEY_BYTES) {
                    throw new IllegalStateException(PREVIOUS_ENV + " must hold base64 of exactly 32 bytes per key");
                }
                addDistinct(previous, current, k);
            }
        }
        Path prevFile = keyDir.resolve(PREVIOUS_FILE_NAME);
        if (Files.exists(prevFile)) {
            addDistinct(previous, current, readKeyFile(prevFile));
        }
        return new Ring(current, java.util.List.copyOf(previous), fromEnv);
    }

    private static void addDistinct(java.util.List<byte[]> previous, byte[] current, byte[] k) {
        if (java.util.Arrays.equals(k, current)) {
            return;
        }
        for (byte[] p : previous) {
            if (java.util.Arrays.equals(p, k)) {
                return;
            }
        }
        previous.add(k);
    }

    /**
     * Starts a rotation of a file-held key: the current key is written to {@value #PREVIOUS_FILE_NAME} (0600,
     * fsynced), then a fresh key replaces {@value #FILE_NAME} (temp file, fsync, atomic rename, directory fsync).
     * A crash between the two steps leaves both files holding the old key, which {@link #loadRing} reads as no
     * rotation. Refused when the key comes from {@value #ENV} or a previous key file already exists (a rotation
     * is under way: finish it first).
     *
     * @return the new current key (the caller zeroes it)
     */
    public static byte[] introduceNewKey(Path keyDir, Map<String, String> env) {
        Ring ring = loadRing(keyDir, env);
        if (ring.fromEnvironment()) {
            throw new IllegalStateException("the master key comes from " + ENV + ": restart with the new key in "
                    + ENV + " and the old one in " + PREVIOUS_ENV);
        }
        Path prevFile = keyDir.resolve(PREVIOUS_FILE_NAME);
        if (Files.exists(prevFile) && !java.util.Arrays.equals(readKeyFile(prevFile), ring.current())) {
            throw new IllegalStateException("a master key rotation is under way (" + prevFile + " exists)");
        } // a previous file equal to the key file: a crash between the two writes below; start again
        byte[] fresh = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(fresh);
        try {
            writeKeyFile(prevFile, ring.current());
            writeKeyFile(keyDir.resolve(FILE_NAME), fresh);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the new master key in " + keyDir, e);
        }
        return fresh;
    }

    /** Removes {@value #PREVIOUS_FILE_NAME} (the end of a rotation; the caller checked nothing needs it). */
    public static boolean retirePreviousFile(Path keyDir) {
        try {
            boolean removed = Files.deleteIfExists(keyDir.resolve(PREVIOUS_FILE_NAME));
            fsyncDir(keyDir);
            return removed;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + keyDir.resolve(PREVIOUS_FILE_NAME), e);
        }
    }

    private static void writeKeyFile(Path file, byte[] key) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_RW));
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(key));
            ch.force(true);
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        fsyncDir(file.getParent());
    }

    private static void fsyncDir(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException ignored) {
            // some file systems cannot fsync a directory
        }
    }

    private static byte[] readKeyFile(Path file) {
        try {
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
