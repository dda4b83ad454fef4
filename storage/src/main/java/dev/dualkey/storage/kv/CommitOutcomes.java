package dev.dualkey.storage.kv;

/**
 * Counters of a shared state store's commits whose answer did not come back (cluster mode: {@link EtcdKvStore}),
 * for the gateway's metrics. A lost answer is fenced (the commit is then known: applied, or never to be applied);
 * an unknown outcome is a commit answered 503 because the fence went unanswered too, and stays counted in
 * {@link #pendingFences()} until the background fence settles it. An operator alerts on the last two: a state
 * store that cannot be asked whether a write happened.
 */
public interface CommitOutcomes {
    /** Commits whose answer was lost and that were then fenced, since start. */
    long lostAnswers();

    /** Commits answered 503 with their outcome unknown, since start. */
    long unknownOutcomes();

    /** Unknown outcomes still being fenced in the background, now. */
    long pendingFences();
}
