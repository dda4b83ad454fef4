package dev.dualkey.gateway.console.page;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.gateway.lifecycle.LifecycleConfiguration;
import dev.dualkey.storage.model.BucketConfig;
import dev.dualkey.storage.model.BucketInfo;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The bucket page's lifecycle panel: the rules in words, escaped, and only for a user allowed to read them. */
class LifecyclePanelTest {
    private static BucketInfo bucket(String rules) {
        BucketConfig c = BucketConfig.initial();
        if (rules != null) {
            c = c.withSubresource(LifecycleConfiguration.SUBRESOURCE, LifecycleConfiguration.parse(
                    ("<LifecycleConfiguration>" + rules + "</LifecycleConfiguration>")
                            .getBytes(StandardCharsets.UTF_8)).toXml());
        }
        return new BucketInfo("b", "111111111111", Instant.EPOCH, "us-east-1", c);
    }

    @Test
    void showsEachRuleInWordsEscaped() {
        String html = LifecyclePanel.render(bucket("<Rule><ID>&lt;old&gt;</ID><Filter><Prefix>logs/</Prefix></Filter>"
                + "<Status>Enabled</Status><NoncurrentVersionExpiration><NoncurrentDays>30</NoncurrentDays>"
                + "<NewerNoncurrentVersions>3</NewerNoncurrentVersions></NoncurrentVersionExpiration>"
                + "<AbortIncompleteMultipartUpload><DaysAfterInitiation>7</DaysAfterInitiation>"
                + "</AbortIncompleteMultipartUpload></Rule>"), true).html();
        assertTrue(html.contains("&lt;old&gt;"), html);
        assertFalse(html.contains("<old>"), html);
        assertTrue(html.contains("prefix logs/"), html);
        assertTrue(html.contains("permanently delete noncurrent versions 30 days after they become noncurrent,"
                + " keeping the 3 newest"), html);
        assertTrue(html.contains("abort incomplete multipart uploads after 7 days"), html);
    }

    @Test
    void saysWhenThereIsNoneOrTheUserMayNotRead() {
        assertTrue(LifecyclePanel.render(bucket(null), true).html().contains("No lifecycle rules"));
        String denied = LifecyclePanel.render(bucket("<Rule><ID>secret-rule</ID><Filter/><Status>Enabled</Status>"
                + "<Expiration><Days>1</Days></Expiration></Rule>"), false).html();
        assertTrue(denied.contains("s3:GetLifecycleConfiguration"), denied);
        assertFalse(denied.contains("secret-rule"), denied);
    }
}
