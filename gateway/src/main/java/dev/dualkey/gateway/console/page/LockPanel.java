package dev.dualkey.gateway.console.page;

import dev.dualkey.gateway.console.html.Html;
import dev.dualkey.gateway.console.html.SafeHtml;
import dev.dualkey.gateway.s3.lock.LockConfiguration;
import dev.dualkey.gateway.s3.lock.LockHeaders;
import dev.dualkey.storage.model.BucketInfo;
import dev.dualkey.storage.model.ObjectMetadata;
import dev.dualkey.storage.model.ObjectVersion;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What the bucket browser shows of Object Lock and tagging: per version its retention (mode and date) and legal hold
 * (only to a user allowed {@code s3:GetObjectRetention} / {@code s3:GetObjectLegalHold}, as the S3 API shows the
 * headers) and its tags (to a user allowed {@code s3:GetObjectTagging}); on the bucket page the bucket's Object Lock
 * configuration (to a user allowed {@code s3:GetBucketObjectLockConfiguration}). Read-only: the console changes no
 * lock, and its deletes go through {@code ProtectedOperations} to the store, which refuses a locked version.
 */
final class LockPanel {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'",
            Locale.ROOT).withZone(ZoneOffset.UTC);

    private final Authorizer authorizer;
    private final ConsoleUser user;
    private final String bucket;

    LockPanel(Authorizer authorizer, ConsoleUser user, String bucket) {
        this.authorizer = authorizer;
        this.user = user;
        this.bucket = bucket;
    }

    /** The lock and tags of one version, or nothing (delete markers, or nothing set / nothing the user may see). */
    SafeHtml details(ObjectVersion v) {
        if (v.deleteMarker()) {
            return SafeHtml.EMPTY;
        }
        ObjectMetadata m = v.metadata();
        String arn = Authorizer.objectArn(bucket, v.key());
        List<SafeHtml> parts = new ArrayList<>();
        if (m.retentionMode() != null && m.retainUntil() != null
                && authorizer.allowed(user, "s3:GetObjectRetention", arn, Map.of())) {
            parts.add(Html.el("span", Html.text(m.retentionMode() + " until " + DATE.format(m.retainUntil())),
                    "class", "badge " + ("COMPLIANCE".equals(m.retentionMode()) ? "warn" : "on"),
                    "data-lock", m.retentionMode()));
        }
        String hold = LockHeaders.legalHoldStatus(m);
        if ("ON".equals(hold) && authorizer.allowed(user, "s3:GetObjectLegalHold", arn, Map.of())) {
            parts.add(Html.el("span", Html.text("Legal hold"), "class", "badge warn", "data-legal-hold", "ON"));
        }
        if (!m.tags().isEmpty() && authorizer.allowed(user, "s3:GetObjectVersionTagging", arn,
                Map.of("s3:VersionId", v.versionId()))) {
            String tags = m.tags().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining(", "));
            parts.add(Html.el("span", Html.text("Tags: " + tags), "class", "tags", "data-tags", tags));
        }
        return parts.isEmpty() ? SafeHtml.EMPTY : Html.el("div", SafeHtml.concat(parts), "class", "lock");
    }

    /** The bucket's Object Lock state for the bucket summary. */
    SafeHtml bucketLock(BucketInfo b) {
        if (!authorizer.allowed(user, "s3:GetBucketObjectLockConfiguration", Authorizer.bucketArn(bucket), Map.of())) {
            return SafeHtml.EMPTY;
        }
        if (!b.config().objectLockEnabled()) {
            return Html.text(" · Object Lock: Off");
        }
        LockConfiguration c = LockConfiguration.fromStored(b.config().subresource(LockConfiguration.SUBRESOURCE));
        String text = c == null || !c.hasDefaultRetention() ? "Enabled, no default retention"
                : "Enabled, default " + c.mode() + " " + (c.days() != null ? c.days() + " days" : c.years() + " years");
        return SafeHtml.concat(Html.text(" · Object Lock: "), Html.el("span", Html.text(text), "class", "badge on",
                "id", "object-lock"));
    }
}
