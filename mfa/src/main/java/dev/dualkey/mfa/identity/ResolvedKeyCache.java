package dev.dualkey.mfa.identity;

import dev.dualkey.storage.kv.KvStore;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Access keys as {@link IdentityService#findAccessKey} resolved them (the key's record, its owner's, the opened
 * secret), kept while no write has touched either space they were read from (issue 19, session 19). Every signed
 * request looks its key up against the store; that was two RocksDB reads per request, 14% of a small GET's server
 * CPU and 6% of a small PUT's.
 *
 * <p>Why a hit is the stored record: an entry carries the spaces' {@link KvStore#localWriteStamp} taken before its
 * records were read, and is used only while the stamp is the same. Any write to the access keys or the users (a key
 * deactivated or deleted, a user deleted or renamed, a secret resealed) changes the stamp before its commit
 * returns, so once UpdateAccessKey or DeleteAccessKey has answered, no request is authenticated from the copy.
 * A write that lands between the stamp and the reads leaves an entry that never matches. Where the store cannot
 * give a stamp (etcd, written by other gateways too) nothing is kept and every lookup reads, as before.
 *
 * <p>Bounded: at most {@link #MAX_ENTRIES}, emptied when full (keys in use are few; an attacker spraying made-up
 * key ids adds nothing, as only found keys are kept). The secrets held here are already held in memory by
 * {@link OpenedSecretCache} and the SigV4 signing-key cache.
 */
final class ResolvedKeyCache {
    static final int MAX_ENTRIES = 4096;

    private final KvStore kv;
    private final String keySpace;
    private final String userSpace;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    ResolvedKeyCache(KvStore kv, String keySpace, String userSpace) {
        this.kv = Objects.requireNonNull(kv, "kv");
        this.keySpace = Objects.requireNonNull(keySpace, "keySpace");
        this.userSpace = Objects.requireNonNull(userSpace, "userSpace");
    }

    /**
     * Both spaces' write stamps as one number (each only grows, so their sum changes whenever either does), or -1
     * when the store gives none. Take it before reading the records an entry is built from.
     */
    long stamp() {
        OptionalLong keys = kv.localWriteStamp(keySpace);
        OptionalLong users = kv.localWriteStamp(userSpace);
        return keys.isPresent() && users.isPresent() ? keys.getAsLong() + users.getAsLong() : -1;
    }

    /** The key resolved under {@code stamp}, if it was kept then and nothing was written since. */
    Optional<ResolvedAccessKey> get(String accessKeyId, long stamp) {
        if (stamp < 0) {
            return Optional.empty();
        }
        Entry e = entries.get(accessKeyId);
        return e != null && e.stamp() == stamp ? Optional.of(e.key()) : Optional.empty();
    }

    /** Keeps {@code key}, read after {@code stamp} was taken. */
    void put(String accessKeyId, long stamp, ResolvedAccessKey key) {
        if (stamp < 0) {
            return;
        }
        if (entries.size() >= MAX_ENTRIES) {
            entries.clear();
        }
        entries.put(accessKeyId, new Entry(stamp, key));
    }

    private record Entry(long stamp, ResolvedAccessKey key) {
    }
}
