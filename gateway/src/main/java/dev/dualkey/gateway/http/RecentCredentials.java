package dev.dualkey.gateway.http;

import dev.dualkey.gateway.auth.Credential;
import dev.dualkey.gateway.auth.CredentialProvider;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link CredentialProvider} that remembers the active credentials its delegate returned recently, so the event loop
 * can check a request head's signature without storage IO ({@link #cached}). Every lookup through {@link #lookup} (the
 * storage executor's, done for every request) refreshes or forgets the entry, so a key that was deactivated or deleted
 * is forgotten by the first request that uses it afterwards.
 *
 * <p>The cache only decides whether the front door may hold a small body before the request is begun; the request
 * itself is always authenticated again against the store (or, in a single-process server, against
 * {@code IdentityService}'s copy of the records, which no write to them has touched since it was read). Entries live
 * at most {@link #TTL_NANOS} and the map holds at most {@link #MAX_ENTRIES} (reaching it empties it). Secrets stay in
 * memory as the verifier's signing-key cache already keeps them.
 */
public final class RecentCredentials implements CredentialProvider {
    static final int MAX_ENTRIES = 4096;
    static final long TTL_NANOS = 15L * 60 * 1_000_000_000L;

    private final CredentialProvider delegate;
    private final ConcurrentHashMap<String, Entry> recent = new ConcurrentHashMap<>();

    public RecentCredentials(CredentialProvider delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public Optional<Credential> lookup(String accessKeyId) {
        Optional<Credential> found = delegate.lookup(accessKeyId);
        if (found.isPresent() && found.get().active()) {
            if (recent.size() >= MAX_ENTRIES) {
                recent.clear();
            }
            recent.put(accessKeyId, new Entry(found.get(), System.nanoTime()));
        } else {
            recent.remove(accessKeyId);
        }
        return found;
    }

    /** The credential looked up within the TTL, from memory only (any thread; never blocks). */
    public Optional<Credential> cached(String accessKeyId) {
        Entry e = recent.get(accessKeyId);
        if (e == null || System.nanoTime() - e.at() > TTL_NANOS) {
            return Optional.empty();
        }
        return Optional.of(e.credential());
    }

    private record Entry(Credential credential, long at) {
    }
}
