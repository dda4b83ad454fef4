package dev.dualkey.mfa.device;

import dev.dualkey.mfa.store.DeviceRecord;
import dev.dualkey.storage.kv.KvTable;
import dev.dualkey.storage.kv.KvTxn;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The code checks' reads and writes of device records, with the last decoded record of each device remembered
 * together with the exact stored bytes it was decoded from (issue 19: decoding a device record, strings, tags, three
 * throttle/step lists, cost more than the rest of a check on the rarely compiled MFA path).
 *
 * <p>Why it cannot serve a stale device: every check still reads the record from the store (the same read whose
 * bytes the check's compare-and-set then expects), and the memo answers only when those bytes are identical to the
 * bytes it decoded. Decoding is a pure function of the bytes, so a hit returns exactly what decoding the read would
 * have returned. Any change to the device (a code accepted, a wrong code counted, resync, deactivation, deletion,
 * a re-sealed seed, a write by another gateway sharing the state) changes the stored bytes, or removes them, and
 * the check decodes afresh. There is nothing to invalidate, and nothing here depends on writes going through this
 * class; {@link #put} only primes the memo with the record a check just staged, so that the device's next check
 * hits. An entry whose batch then failed or lost its compare is never matched (its bytes were never stored).
 *
 * <p>What it holds: the decoded record, whose seed is still sealed (AES-GCM under the master key, as on disk). No
 * opened seed and no seed-derived key state is kept anywhere. Bounded: at most {@value #MAX_DEVICES} devices;
 * when full it is emptied (a device's next check then decodes once). Thread-safe.
 */
final class DeviceRecordMemo {
    static final int MAX_DEVICES = 1024;

    private record Entry(byte[] raw, DeviceRecord record) {
    }

    private final KvTable<String, DeviceRecord> devices;
    private final Map<String, Entry> bySerial = new ConcurrentHashMap<>();

    DeviceRecordMemo(KvTable<String, DeviceRecord> devices) {
        this.devices = devices;
    }

    /** {@link KvTable#read} of {@code serial}: one store read; decoded unless the memo holds these very bytes. */
    Optional<KvTable.Versioned<DeviceRecord>> read(String serial) {
        Optional<byte[]> stored = devices.store().get(devices.name(), devices.keyCodec().encode(serial));
        if (stored.isEmpty()) {
            bySerial.remove(serial);
            return Optional.empty();
        }
        byte[] raw = stored.get();
        Entry e = bySerial.get(serial);
        if (e != null && Arrays.equals(e.raw(), raw)) {
            return Optional.of(new KvTable.Versioned<>(e.record(), raw));
        }
        DeviceRecord decoded = devices.valueCodec().decode(raw);
        remember(serial, raw, decoded);
        return Optional.of(new KvTable.Versioned<>(decoded, raw));
    }

    /** {@link KvTable#put(KvTxn, Object, Object)}, and the memo primed with the staged bytes. */
    void put(KvTxn txn, String serial, DeviceRecord record) {
        byte[] raw = devices.valueCodec().encode(record);
        txn.put(devices.name(), devices.keyCodec().encode(serial), raw);
        remember(serial, raw, record);
    }

    /** How many devices are remembered (tests). */
    int size() {
        return bySerial.size();
    }

    private void remember(String serial, byte[] raw, DeviceRecord record) {
        if (bySerial.size() >= MAX_DEVICES && !bySerial.containsKey(serial)) {
            bySerial.clear();
        }
        bySerial.put(serial, new Entry(raw, record));
    }
}
