package dev.dualkey.gateway.s3;

import dev.dualkey.storage.model.ObjectVersion;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * HTTP conditional request rules as S3 applies them (RFC 7232 precedence): If-Match, then If-Unmodified-Since
 * (only without If-Match), then If-None-Match, then If-Modified-Since (only without If-None-Match). Dates
 * compare at one-second precision, as HTTP dates carry.
 */
public final class Conditions {
    /** The outcome and, for failures, the header that failed (S3's {@code <Condition>}). */
    public enum Result {
        PROCEED(null), PRECONDITION_FAILED_IF_MATCH("If-Match"),
        PRECONDITION_FAILED_IF_UNMODIFIED_SINCE("If-Unmodified-Since"),
        NOT_MODIFIED_IF_NONE_MATCH("If-None-Match"), NOT_MODIFIED_IF_MODIFIED_SINCE("If-Modified-Since");

        private final String condition;

        Result(String condition) {
            this.condition = condition;
        }

        public String condition() {
            return condition;
        }

        public boolean notModified() {
            return this == NOT_MODIFIED_IF_NONE_MATCH || this == NOT_MODIFIED_IF_MODIFIED_SINCE;
        }
    }

    private Conditions() {
    }

    public static Result evaluate(ObjectVersion v, String ifMatch, String ifNoneMatch, String ifModifiedSince,
                                  String ifUnmodifiedSince) {
        Instant modified = v.lastModified().truncatedTo(ChronoUnit.SECONDS);
        if (ifMatch != null) {
            if (!etagMatches(ifMatch, v.etag())) {
                return Result.PRECONDITION_FAILED_IF_MATCH;
            }
        } else {
            Instant since = CopySource.parseHttpDate(ifUnmodifiedSince);
            if (since != null && modified.isAfter(since)) {
                return Result.PRECONDITION_FAILED_IF_UNMODIFIED_SINCE;
            }
        }
        if (ifNoneMatch != null) {
            if (etagMatches(ifNoneMatch, v.etag())) {
                return Result.NOT_MODIFIED_IF_NONE_MATCH;
            }
        } else {
            Instant since = CopySource.parseHttpDate(ifModifiedSince);
            if (since != null && !modified.isAfter(since)) {
                return Result.NOT_MODIFIED_IF_MODIFIED_SINCE;
            }
        }
        return Result.PROCEED;
    }

    /** A comma-separated list of (quoted or bare, optionally weak) ETags, or {@code *}. */
    static boolean etagMatches(String header, String etag) {
        for (String t : header.split(",")) {
            String s = t.trim();
            if (s.equals("*")) {
                return true;
            }
            if (s.startsWith("W/")) {
                s = s.substring(2);
            }
            if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
                s = s.substring(1, s.length() - 1);
            }
            if (s.equals(etag)) {
                return true;
            }
        }
        return false;
    }
}
