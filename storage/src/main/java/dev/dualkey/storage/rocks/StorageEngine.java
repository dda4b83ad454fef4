package dev.dualkey.storage.rocks;

import dev.dualkey.storage.ObjectStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens a data directory for the whole server: one {@link RocksDatabase} with the storage families plus the
 * callers' ({@code mfa}'s), and the {@link RocksObjectStore} over it. Layout: {@code <dataDir>/db} (RocksDB),
 * {@code <dataDir>/blobs} (blob files). Close order: object store, then database.
 */
public final class StorageEngine implements AutoCloseable {
    private final RocksDatabase database;
    private final RocksObjectStore objectStore;

    private StorageEngine(RocksDatabase database, RocksObjectStore objectStore) {
        this.database = database;
        this.objectStore = objectStore;
    }

    /** Opens with the system UTC clock and default settings. */
    public static StorageEngine open(Path dataDir, List<ColumnFamilySpec> extraFamilies) {
        return open(dataDir, extraFamilies, Clock.systemUTC(), RocksDatabase.Settings.defaults(),
                RocksObjectStore.Settings.defaults());
    }

    public static StorageEngine open(Path dataDir, List<ColumnFamilySpec> extraFamilies, Clock clock,
                                     RocksDatabase.Settings dbSettings, RocksObjectStore.Settings storeSettings) {
        if (java.nio.file.Files.exists(dataDir.resolve(StoreBackup.INCOMPLETE))) {
            throw new dev.dualkey.storage.error.StorageIoException(dataDir + " holds an unfinished backup ("
                    + StoreBackup.INCOMPLETE + "): take the backup again");
        }
        try {
            dev.dualkey.storage.OwnerOnlyFiles.directory(dataDir); // 0700: the master key and blobs live below
        } catch (java.io.IOException e) {
            throw new dev.dualkey.storage.error.StorageIoException("cannot create data directory " + dataDir, e);
        }
        List<ColumnFamilySpec> all = new ArrayList<>(Schema.FAMILIES);
        all.addAll(extraFamilies);
        RocksDatabase db = RocksDatabase.open(dataDir.resolve("db"), all, dbSettings);
        try {
            return new StorageEngine(db, RocksObjectStore.open(db, dataDir.resolve("blobs"), clock, storeSettings));
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    /** The shared key/value database (for mfa's tables). */
    public RocksDatabase database() {
        return database;
    }

    /** The object store. */
    public ObjectStore objectStore() {
        return objectStore;
    }

    /**
     * A scrubber over this open store (online: reads pin the blobs they check; sealed data is opened with the
     * store's key wrapper, as set by {@code encryptAtRest} at the time of this call). Do not close it.
     */
    public StoreScrubber scrubber() {
        return new StoreScrubber(database, objectStore.blobStore().directory(), objectStore.blobStore(),
                java.time.Clock.systemUTC(), false, objectStore.dataKeys());
    }

    /**
     * A consistent backup of this open store into {@code dest} ({@link StoreBackup}); writes go on meanwhile.
     * The caller copies whatever else lives in the data directory (the master key) as it decides.
     */
    public StoreBackup.Result backup(Path dest, StoreBackup.Listener listener) {
        return StoreBackup.run(database, objectStore.blobStore(), dest, listener);
    }

    @Override
    public void close() {
        objectStore.close();
        database.close();
    }
}
