package dev.dualkey.mfa.rotate;

import dev.dualkey.mfa.secret.SecretBox;
import dev.dualkey.mfa.store.DeviceRecord;
import dev.dualkey.mfa.store.MfaStore;
import dev.dualkey.mfa.store.StoredAccessKey;
import dev.dualkey.mfa.store.StoredSessionCredential;
import dev.dualkey.storage.kv.KvTable;
import dev.dualkey.storage.kv.KvTxn;
import dev.dualkey.storage.rocks.KvEntry;
import dev.dualkey.storage.rocks.KvIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Re-seals every secret of the mfa state under the box's current master key: device seeds ({@code seed:SERIAL}),
 * access key secrets ({@code akid:ID}) and session secrets ({@code asia:ID}). A value already sealed under the
 * current key is left alone, so a run is idempotent and an interrupted run is finished by running it again (each
 * record is its own unit: there is no partial state between records). Each change is one conditional write that
 * expects the record's bytes as read, so it never overwrites a concurrent change (a spent code, a status change):
 * on a conflict the record is read again and re-sealed again.
 *
 * <p>Why the records and not a cursor: there are few of them (devices and keys of the accounts), and checking a
 * record's key fingerprint costs a read, so resuming from the start is cheaper than persisting a position.
 */
public final class SecretResealer {
    private static final int MAX_ATTEMPTS = 20;
    private final MfaStore store;
    private final SecretBox box;

    /** What a run did. */
    public record Report(long examined, long resealed) {
        Report plus(Report o) {
            return new Report(examined + o.examined, resealed + o.resealed);
        }
    }

    public SecretResealer(MfaStore store, SecretBox box) {
        this.store = Objects.requireNonNull(store, "store");
        this.box = Objects.requireNonNull(box, "box");
    }

    /** Re-seals every device seed, access key secret and session secret not yet under the current key. */
    public Report run() {
        Report r = table(store.devices(), DeviceRecord::sealedSeed, d -> DeviceRecord.aad(d.serial()),
                DeviceRecord::withSealedSeed);
        r = r.plus(table(store.accessKeys(), StoredAccessKey::sealedSecret,
                k -> StoredAccessKey.aad(k.accessKeyId()), StoredAccessKey::withSealedSecret));
        return r.plus(table(store.sessionCredentials(), StoredSessionCredential::sealedSecret,
                c -> StoredSessionCredential.aad(c.accessKeyId()), StoredSessionCredential::withSealedSecret));
    }

    /** How many secrets are not yet sealed under the current key (0: the previous key seals nothing here). */
    public long remaining() {
        return count(store.devices(), DeviceRecord::sealedSeed) + count(store.accessKeys(),
                StoredAccessKey::sealedSecret) + count(store.sessionCredentials(), StoredSessionCredential::sealedSecret);
    }

    private <K, V> long count(KvTable<K, V> table, Function<V, byte[]> sealedOf) {
        long n = 0;
        try (KvIterator<K, V> it = table.scanPrefix(new byte[0])) {
            while (it.hasNext()) {
                if (!box.sealedUnderCurrent(sealedOf.apply(it.next().value()))) {
                    n++;
                }
            }
        }
        return n;
    }

    private <K, V> Report table(KvTable<K, V> table, Function<V, byte[]> sealedOf, Function<V, String> aadOf,
                                BiFunction<V, byte[], V> with) {
        List<K> todo = new ArrayList<>();
        long examined = 0;
        try (KvIterator<K, V> it = table.scanPrefix(new byte[0])) {
            while (it.hasNext()) {
                KvEntry<K, V> e = it.next();
                examined++;
                if (!box.sealedUnderCurrent(sealedOf.apply(e.value()))) {
                    todo.add(e.key());
                }
            }
        }
        long resealed = 0;
        for (K key : todo) {
            if (resealOne(table, key, sealedOf, aadOf, with)) {
                resealed++;
            }
        }
        return new Report(examined, resealed);
    }

    private <K, V> boolean resealOne(KvTable<K, V> table, K key, Function<V, byte[]> sealedOf,
                                     Function<V, String> aadOf, BiFunction<V, byte[], V> with) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Optional<KvTable.Versioned<V>> seen = table.read(key);
            if (seen.isEmpty() || box.sealedUnderCurrent(sealedOf.apply(seen.get().value()))) {
                return false; // deleted or re-sealed meanwhile
            }
            V v = seen.get().value();
            V next = with.apply(v, box.reseal(sealedOf.apply(v), aadOf.apply(v)));
            KvTxn txn = new KvTxn();
            table.expect(txn, key, seen);
            table.put(txn, key, next);
            if (store.kv().commit(txn)) {
                return true;
            }
        }
        throw new IllegalStateException("record " + key + " of " + table.name() + " kept changing during the "
                + "master key rotation; run the rotation again");
    }
}
