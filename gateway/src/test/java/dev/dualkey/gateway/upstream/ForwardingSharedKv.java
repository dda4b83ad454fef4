package dev.dualkey.gateway.upstream;

import dev.dualkey.storage.shared.SharedKv;
import java.util.List;
import java.util.Optional;

/**
 * A {@link SharedKv} that passes every call on to another one. The tests that disturb or watch the upstream store's
 * index at its commits (a compare-and-set that loses its race, a commit applied and then reported unavailable, the
 * MFA code's spend seen at the first index commit of a delete) subclass it and override {@link #commit} only, so
 * that each says just what it changes instead of spelling out the whole interface again.
 */
public class ForwardingSharedKv implements SharedKv {
    private final SharedKv delegate;

    public ForwardingSharedKv(SharedKv delegate) {
        this.delegate = delegate;
    }

    @Override
    public Optional<Entry> get(byte[] key) {
        return delegate.get(key);
    }

    @Override
    public List<Entry> range(byte[] from, byte[] to, int limit) {
        return delegate.range(from, to, limit);
    }

    @Override
    public boolean commit(List<Compare> compares, List<Write> writes) {
        return delegate.commit(compares, writes);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
