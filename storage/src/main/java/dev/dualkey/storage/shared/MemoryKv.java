package dev.dualkey.storage.shared;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * {@link SharedKv} in this process's memory: for tests, and for a single gateway whose shared state need not outlive
 * it. Transactions are serialized by one monitor; reads are lock-free views of committed state (each entry is
 * replaced whole).
 */
public final class MemoryKv implements SharedKv {
    private final ConcurrentSkipListMap<byte[], Entry> map = new ConcurrentSkipListMap<>(Arrays::compareUnsigned);

    @Override
    public Optional<Entry> get(byte[] key) {
        return Optional.ofNullable(map.get(key));
    }

    @Override
    public List<Entry> range(byte[] from, byte[] to, int limit) {
        List<Entry> out = new ArrayList<>();
        Map<byte[], Entry> view = to == null ? map.tailMap(from, true) : map.subMap(from, true, to, false);
        for (Entry e : view.values()) {
            if (out.size() >= limit) {
                break;
            }
            out.add(e);
        }
        return out;
    }

    @Override
    public synchronized boolean commit(List<Compare> compares, List<Write> writes) {
        for (Compare c : compares) {
            Entry e = map.get(c.key());
            if (!Arrays.equals(e == null ? null : e.value(), c.expected())) {
                return false;
            }
        }
        for (Write w : writes) {
            if (w.value() == null) {
                map.remove(w.key());
            } else {
                map.put(w.key().clone(), new Entry(w.key().clone(), w.value().clone()));
            }
        }
        return true;
    }

    @Override
    public void close() {
    }
}
