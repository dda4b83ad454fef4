package dev.dualkey.gateway.s3.logging;

/** Where the S3 endpoint reports each request; implementations never block and never read storage. */
public interface AccessLog {
    /** Records nothing (no logging configured anywhere, tests). */
    AccessLog NONE = new AccessLog() {
        @Override
        public boolean wanted(String bucket) {
            return false;
        }

        @Override
        public void record(AccessLogRecord r) {
        }

        @Override
        public void configurationChanged(String bucket, boolean loggingOn) {
        }
    };

    /** False when {@code bucket} is known not to log (a hint: saves building the record). */
    boolean wanted(String bucket);

    /** Takes one record (its bucket owner still unknown); drops it when the queue is full. */
    void record(AccessLogRecord r);

    /**
     * The bucket's logging configuration changed: forget what was cached about it. When logging was turned on,
     * requests made before this moment are not delivered (they were not logged on AWS either).
     */
    void configurationChanged(String bucket, boolean loggingOn);
}
