package dev.dualkey.storage.rocks;

/**
 * When RocksDB's blob garbage collection should run in a large-value family ({@link ColumnFamilySpec#largeValues()}):
 * only while a real share of its blob files' bytes is garbage (issue 19, session 19).
 *
 * <p>Why not always, as RocksDB's option suggests: with the option on, every compaction of the family relocates
 * (reads, checks and writes again) each live value it meets in the oldest quarter of the blob files, garbage or not.
 * The family's keys are version sequence numbers spread over one bottom level, so each compaction of two small L0
 * files meets every key, and relocated the oldest quarter of all small objects' bytes again: in a run of 4 KiB PUTs
 * to new keys, where there is no garbage at all, 75-148 MiB of blob output per compaction of 5 MiB of keys. Measured
 * (presigned 4 KiB PUTs to new keys with wrk, 64 connections, the bench's JVM options, ~240k PUTs per run, three runs
 * each): the family's compactions wrote 723-766 MiB of relocated values and took 17.0-19.1 us of CPU per PUT; with
 * this policy 0 MiB and 3.8-4.2 us; the server's CPU per PUT fell from 273-290 to 214-244 us (five runs). Off, a
 * blob file still goes as soon as every value in it is garbage (RocksDB drops it with its last reference); what
 * waits for collection is only a file that holds both live and dead values.
 *
 * <p>The rule, with hysteresis so that a share near one threshold does not flip the option at every look: turn it
 * on when garbage is at least {@link #START} of the live blob files' bytes, off again when it fell under
 * {@link #STOP}. So the family's blob files hold at most about {@code 1 / (1 - START)} times their live bytes (plus
 * what arrives between two looks) before collection starts, and collection stops once a good part of it was
 * reclaimed. When collection cannot bring the share under {@link #STOP} (garbage in young files only), it stays on,
 * which is RocksDB's default behaviour, never worse.
 */
public final class BlobGarbagePolicy {
    /** Garbage share of the live blob bytes from which collection is turned on. */
    public static final double START = 0.20;
    /** Garbage share under which collection is turned off again. */
    public static final double STOP = 0.10;

    private BlobGarbagePolicy() {
    }

    /**
     * Whether collection should run, given whether it runs now and the family's blob files.
     *
     * @param running      whether the family's {@code enable_blob_garbage_collection} is on now
     * @param liveBytes    RocksDB's {@code rocksdb.live-blob-file-size} of the family (garbage included)
     * @param garbageBytes RocksDB's {@code rocksdb.live-blob-file-garbage-size} of the family
     */
    public static boolean wanted(boolean running, long liveBytes, long garbageBytes) {
        if (liveBytes <= 0 || garbageBytes <= 0) {
            return false;
        }
        double share = (double) garbageBytes / liveBytes;
        return running ? share >= STOP : share >= START;
    }
}
