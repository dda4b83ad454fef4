package dev.dualkey.gateway.authz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.dualkey.gateway.auth.Principal;
import dev.dualkey.gateway.auth.SignatureInfo;
import dev.dualkey.gateway.http.RequestHead;
import dev.dualkey.gateway.s3.S3Operation;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one request-context builder: every key the request has, none it does not. */
class RequestContextBuilderTest {
    private static final Instant NOW = Instant.parse("2026-12-02T07:30:15.250Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final Check GET = Check.object("s3:GetObject", "alpha", "k");

    @Test
    void anIamUserWithALongTermKeyHasNoMfaKeys() {
        AuthzRequest r = RequestContextBuilder.of(Subject.of(Principal.user("123456789012", "alice")), CLOCK)
                .origin(RequestOrigin.transport(false, "203.0.113.7")).build(GET);
        assertEquals("alice", r.key("aws:username"));
        assertEquals("arn:aws:iam::123456789012:user/alice", r.key("aws:PrincipalArn"));
        assertEquals("123456789012", r.key("aws:PrincipalAccount"));
        assertEquals("User", r.key("aws:PrincipalType"));
        assertEquals("false", r.key("aws:SecureTransport"));
        assertEquals("203.0.113.7", r.key("aws:SourceIp"));
        assertEquals("2026-12-02T07:30:15Z", r.key("aws:CurrentTime"));
        assertEquals(Long.toString(NOW.getEpochSecond()), r.key("aws:EpochTime"));
        assertNull(r.key("aws:MultiFactorAuthPresent"), "absent for long-term keys, as on AWS");
        assertNull(r.key("aws:MultiFactorAuthAge"));
        assertNull(r.key("aws:userid"), "filled by the authorizer from the identity store");
        assertEquals("s3:GetObject", r.action());
        assertEquals("arn:aws:s3:::alpha/k", r.resource());
    }

    @Test
    void rootIsAnAccountWithoutAUserName() {
        AuthzRequest r = RequestContextBuilder.of(Subject.of(Principal.root("123456789012")), CLOCK)
                .origin(RequestOrigin.transport(true, null)).build(GET);
        assertNull(r.key("aws:username"));
        assertEquals("Account", r.key("aws:PrincipalType"));
        assertEquals("123456789012", r.key("aws:userid"));
        assertEquals("arn:aws:iam::123456789012:root", r.key("aws:PrincipalArn"));
        assertEquals("true", r.key("aws:SecureTransport"));
        assertNull(r.key("aws:SourceIp"));
    }

    @Test
    void sessionsCarryMfaPresenceAndAge() {
        Principal withMfa = new Principal("123456789012", "alice", false,
                "arn:aws:iam::123456789012:user/alice", true, NOW.minusSeconds(95));
        AuthzRequest r = RequestContextBuilder.of(Subject.of(withMfa), CLOCK).build(GET);
        assertEquals("true", r.key("aws:MultiFactorAuthPresent"));
        assertEquals("95", r.key("aws:MultiFactorAuthAge"));

        Principal noMfa = new Principal("123456789012", "alice", false,
                "arn:aws:iam::123456789012:user/alice", true, null);
        AuthzRequest n = RequestContextBuilder.of(Subject.of(noMfa), CLOCK).build(GET);
        assertEquals("false", n.key("aws:MultiFactorAuthPresent"));
        assertNull(n.key("aws:MultiFactorAuthAge"));
    }

    @Test
    void s3SignatureAndRequestKeys() {
        DefaultHttpRequest http = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET,
                "/alpha?list-type=2&prefix=home%2Falice%2F&delimiter=%2F&max-keys=10");
        http.headers().set("x-amz-content-sha256", "UNSIGNED-PAYLOAD");
        RequestHead head = new RequestHead("id", "host", http, true, "198.51.100.2");
        SignatureInfo sig = new SignatureInfo("AKIA", "20261202", "us-east-1", "s3", List.of("host"), "ab",
                "20261202T073010Z", Instant.parse("2026-12-02T07:30:10Z"), true, 300, "UNSIGNED-PAYLOAD");
        RequestOrigin origin = RequestOrigin.signed(head.secure(), head.clientAddress(), sig,
                head.header("x-amz-content-sha256"));
        AuthzRequest r = RequestContextBuilder.of(Subject.of(Principal.user("123456789012", "alice")), CLOCK)
                .origin(origin).s3Signature(origin).keys(S3ConditionKeys.of(S3Operation.LIST_OBJECTS_V2, head))
                .build(Check.bucket("s3:ListBucket", "alpha"));
        assertEquals("home/alice/", r.key("s3:prefix"));
        assertEquals("/", r.key("s3:delimiter"));
        assertEquals("10", r.key("s3:max-keys"));
        assertEquals("AWS4-HMAC-SHA256", r.key("s3:signatureversion"));
        assertEquals("REST-QUERY-STRING", r.key("s3:authType"));
        assertEquals("5250", r.key("s3:signatureAge"));
        assertEquals("UNSIGNED-PAYLOAD", r.key("s3:x-amz-content-sha256"));
        assertEquals("true", r.key("aws:SecureTransport"));
        assertEquals("198.51.100.2", r.key("aws:SourceIp"));
        assertNull(r.key("s3:VersionId"));
        assertNull(r.key("s3:x-amz-acl"));

        SignatureInfo header = new SignatureInfo("AKIA", "20261202", "us-east-1", "s3", List.of("host"), "ab",
                "20261202T073010Z", Instant.parse("2026-12-02T07:30:10Z"), false, -1, "UNSIGNED-PAYLOAD");
        RequestOrigin headerAuth = RequestOrigin.signed(false, null, header, null);
        AuthzRequest h = RequestContextBuilder.of(Subject.of(Principal.root("123456789012")), CLOCK)
                .origin(headerAuth).s3Signature(headerAuth).build(Check.bucket("s3:ListBucket", "alpha"));
        assertEquals("REST-HEADER", h.key("s3:authType"));
        assertNull(h.key("s3:signatureAge"), "S3 documents the signature age for presigned requests");
    }

    @Test
    void objectRequestKeysAndPerCheckKeys() {
        DefaultHttpRequest http = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.PUT, "/alpha/k?versionId=v9");
        http.headers().set("x-amz-acl", "private").set("x-amz-server-side-encryption", "AES256");
        RequestHead head = new RequestHead("id", "host", http, false);
        Map<String, String> keys = S3ConditionKeys.of(S3Operation.PUT_OBJECT, head);
        assertEquals(Map.of("s3:VersionId", "v9", "s3:x-amz-acl", "private",
                "s3:x-amz-server-side-encryption", "AES256"), keys);
        assertFalse(keys.containsKey("s3:prefix"), "listing keys only on listings");

        RequestContextBuilder b = RequestContextBuilder.of(Subject.of(Principal.root("123456789012")), CLOCK);
        AuthzRequest entry = b.build(ActionTable.deleteObjectsEntry("alpha", "k", "v1"), Map.of("s3:VersionId", "v1"));
        assertEquals("v1", entry.key("s3:VersionId"));
        assertNull(b.build(GET).key("s3:VersionId"), "an entry's keys stay with its check");
    }

    @Test
    void keysAreLookedUpCaseInsensitively() {
        AuthzRequest r = RequestContextBuilder.of(Subject.of(Principal.root("123456789012")), CLOCK)
                .origin(RequestOrigin.transport(false, null)).build(GET);
        assertEquals("false", r.key("AWS:securetransport"));
    }

    @Test
    void currentTimeIsTheIsoSecondOfEachInstantAsked() {
        // formatted once per second and shared: the value must still be each instant's own second, in any order
        Instant[] instants = {NOW, NOW.plusMillis(700), NOW.plusSeconds(1), NOW, NOW.minusSeconds(86_400 * 400L),
                Instant.parse("2026-12-05T07:01:02.999999999Z"), Instant.EPOCH, Instant.ofEpochSecond(-1)};
        String[] expected = {"2026-12-02T07:30:15Z", "2026-12-02T07:30:15Z", "2026-12-02T07:30:16Z",
                "2026-12-02T07:30:15Z", "2025-10-28T07:30:15Z", "2026-12-05T07:01:02Z", "1970-01-01T00:00:00Z",
                "1969-12-31T23:59:59Z"};
        for (int i = 0; i < instants.length; i++) {
            assertEquals(expected[i], RequestContextBuilder.currentTime(instants[i]), "at " + instants[i]);
            assertEquals(expected[i], RequestContextBuilder.of(Subject.of(Principal.user("123456789012", "alice")),
                    Clock.fixed(instants[i], ZoneOffset.UTC)).build(GET).key("aws:CurrentTime"));
        }
    }
}
