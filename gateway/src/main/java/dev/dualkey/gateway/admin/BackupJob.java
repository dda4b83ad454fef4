package dev.dualkey.gateway.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dualkey.mfa.secret.MasterKey;
import dev.dualkey.storage.rocks.StorageEngine;
import dev.dualkey.storage.rocks.StoreBackup;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * {@code backup}: a consistent backup of the open store ({@link StorageEngine#backup}) into {@code to}, with
 * progress events; the same code runs in the server (admin channel: an online backup) and in the CLI (offline).
 *
 * <p>The master key that encrypts secrets at rest ({@code DATA_DIR/master.key}) is NOT copied unless the
 * operator asks ({@code withMasterKey}): a backup without it holds the metadata and data but no usable secret
 * (access keys and MFA seeds stay sealed), so backups can be stored where the key must not go; the key travels
 * separately (or in {@code DUALKEY_MASTER_KEY}). When asked, it is copied with mode 0600 into the 0700 backup
 * directory. Result: {@code {"destination","blobs","bytes","linked","masterKey":"copied|not-copied|environment"}}.
 */
public final class BackupJob {
    private BackupJob() {
    }

    static AdminHandler handler(StorageEngine engine, Path dataDir) {
        return (args, events) -> {
            String to = args.path("to").asText("");
            if (to.isEmpty() || !Path.of(to).isAbsolute()) {
                throw new AdminFailure("backup needs an absolute destination path ('to')");
            }
            return run(engine, dataDir, Path.of(to), args.path("withMasterKey").asBoolean(false), events);
        };
    }

    public static ObjectNode run(StorageEngine engine, Path dataDir, Path to, boolean withMasterKey,
                                 AdminHandler.Events events) {
        Path dest = to.toAbsolutePath().normalize();
        if (dest.startsWith(dataDir.toAbsolutePath().normalize())) {
            throw new AdminFailure("the backup destination must be outside the data directory");
        }
        StoreBackup.Result r;
        try {
            r = engine.backup(dest, new StoreBackup.Listener() {
                private long lastSent = -1;

                @Override
                public void progress(long done, long total) {
                    if (lastSent < 0 || done == total || done - lastSent >= Math.max(1, total / 200)) {
                        lastSent = done;
                        ObjectNode e = AdminProtocol.object();
                        e.put("event", "progress");
                        e.put("done", done);
                        e.put("total", total);
                        events.send(e);
                    }
                }
            });
        } catch (dev.dualkey.storage.error.StorageException e) {
            throw new AdminFailure(e.getMessage());
        }
        String key = "not-copied";
        Path keyFile = dataDir.resolve(MasterKey.FILE_NAME);
        if (System.getenv(MasterKey.ENV) != null && !System.getenv(MasterKey.ENV).isBlank()) {
            key = "environment";
        } else if (withMasterKey && Files.exists(keyFile)) {
            copyKey(keyFile, dest.resolve(MasterKey.FILE_NAME));
            key = "copied";
            Path previous = dataDir.resolve(MasterKey.PREVIOUS_FILE_NAME); // a rotation under way (issue 16):
            if (Files.exists(previous)) { // items of the backup may still be under the previous key
                copyKey(previous, dest.resolve(MasterKey.PREVIOUS_FILE_NAME));
                key = "copied-with-previous";
            }
        }
        ObjectNode out = AdminProtocol.object();
        out.put("destination", r.destination().toString());
        out.put("blobs", r.blobs());
        out.put("bytes", r.bytes());
        out.put("linked", r.linked());
        out.put("masterKey", key);
        return out;
    }

    private static void copyKey(Path from, Path to) {
        try {
            byte[] key = Files.readAllBytes(from);
            Files.createFile(to, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (FileChannel ch = FileChannel.open(to, StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(key));
                ch.force(true);
            }
            java.util.Arrays.fill(key, (byte) 0);
        } catch (IOException e) {
            throw new AdminFailure("backup written, but copying the master key failed: " + e.getMessage());
        }
    }
}
