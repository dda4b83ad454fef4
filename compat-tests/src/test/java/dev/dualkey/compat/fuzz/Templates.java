package dev.dualkey.compat.fuzz;

import java.util.List;
import java.util.function.Function;

/**
 * Valid requests to mutate from: S3 object, version, versioning, DeleteObjects, copy and multipart calls against
 * the fuzzed buckets; IAM and STS Query calls (form bodies, {@code Version} 2010-05-08 / 2011-06-15); console
 * pages and forms. Each is what a real client would send before signing.
 */
final class Templates {
    /**
     * What templates refer to: the ports, the account, the buckets (one with MFA Delete Enabled), existing keys
     * and versions, root's device serial, an open multipart upload, and a source of codes known to be wrong.
     */
    record Context(int s3Port, int consolePort, String accountId, String mfaBucket, String plainBucket,
                   List<String> keys, List<String> versionIds, String rootSerial, String uploadKey, String uploadId,
                   String iamUser, Function<Mutator, String> wrongCode) {
    }

    private Templates() {
    }

    /** One template, picked by {@code m}. */
    static WireRequest any(Mutator m, Context c) {
        int roll = m.nextInt(100);
        if (roll < 55) {
            return s3(m, c);
        }
        if (roll < 75) {
            return iam(m, c);
        }
        if (roll < 85) {
            return sts(m, c);
        }
        return console(m, c);
    }

    private static String bucket(Mutator m, Context c) {
        return m.chance(0.7) ? c.mfaBucket() : c.plainBucket();
    }

    private static String mfa(Mutator m, Context c) {
        return c.rootSerial() + " " + c.wrongCode().apply(m);
    }

    static WireRequest s3(Mutator m, Context c) {
        String b = bucket(m, c);
        String key = path(m.pick(c.keys()));
        String version = m.pick(c.versionIds());
        WireRequest w;
        switch (m.nextInt(16)) {
            case 0:
                w = new WireRequest(WireRequest.Kind.S3, c.s3Port(), "GET", "/");
                break;
            case 1:
                w = new WireRequest(WireRequest.Kind.S3, c.s3Port(), "GET", "/" + b).query("versions", "")
                        .query("max-keys", "5").query("prefix", key.substring(0, 1));
                break;
            case 2:
                w = new WireRequest(WireRequest.Kind.S3, c.s3Port(), "GET", "/" + b).query("list-type", "2")
                        .query("delimiter", "/").query("encoding-type", "url");
                break;
            case 3:
                w = new WireRequest(WireRequest.Kind.S3, c.s3Port(), "PUT", "/" + b + "/" + key);
                w.body = ("fuzz " + m.nextInt(1000)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                w.header("Content-Type", "text/plain").header("x-amz-meta-fuzz", "1");
                break;
            case 4:
                w = new WireRequest(WireRequest.Kind.S3, c.s3Port(), "GET", "/" + b + "/" + key)
                        .header("Range", "bytes=0-3");
                break;
            case 5:
                w = new WireRequest(WireRequest.Kind.S3, c.s3Port(), "HEAD", "/" + b + "/" + key)
                        .query("versionId", version);
                break;
            case 6:
                w = new WireRequest(WireRequest.Kind.S3, c.s3Port(), "DELETE", "/" + b + "/" + key)
                        .query("versionId", version).header("x-amz-mfa", mfa(m, c));
                break;
            case 7:
                w = new WireRequest(WireRequest.Kind.S3, c.s3Port(), "DELETE", "/" + b + "/" + key);
                break;
            case 8: {
                w = new WireRequest(WireRequest.Kind.S3, c.s3Port(), "PUT", "/" + b).query("versioning", "")
                        .header("x-amz-mfa", mfa(m, c));
                String doc = "<VersioningConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Status>"
                        + m.pick(List.of("Enabled", "Suspended")) + "</Status><MfaDelete>"
                        + m.pick(List.of("Enabled", "Disabled")) + "</MfaDelete></VersioningConfiguration>";
                w.body = bytes(m.chance(0.5) ? m.xml(doc) : doc);
                break;
            }
            case 9: {
                StringBuilder doc = new StringBuilder("<Delete><Quiet>false</Quiet>");
                for (int i = 0, n = 1 + m.nextInt(3); i < n; i++) {
                    doc.append("<Object><Key>").append(xmlText(m.pick(c.keys()))).append("</Key><VersionId>")
                            .append(m.pick(c.versionIds())).append("</VersionId></Object>");
                }
                String xml = doc.append("</Delete>").toString();
                if (m.chance(0.5)) {
                    xml = m.xml(xml);
                }
                w = new WireRequest(WireRequest.Kind.S3, c.s3Port(), "POST", "/" + b).query("delete", "")
                        .header("Content-MD5", WireSigner.md5Base64(xml)).header("x-amz-mfa", mfa(m, c));
                w.body = bytes(xml);
                break;
            }
            case 10:
                w = new WireRequest(WireRequest.Kind.S3, c.s3Port(), "PUT", "/" + b + "/" + path(m.pick(c.keys())))
                        .header("x-amz-copy-source", "/" + c.mfaBucket() + "/" + key + "?versionId=" + version);
                break;
            case 11:
                w = new WireRequest(WireRequest.Kind.S3, c.s3Port(), "POST", "/" + b + "/" + key).query("uploads", "");
                break;
            case 12:
                w = new WireRequest(WireRequest.Kind.S3, c.s3Port(), "PUT", "/" + c.mfaBucket() + "/" + c.uploadKey())
                        .query("partNumber", "1").query("uploadId", c.uploadId());
                w.body = bytes("part " + m.nextInt(100));
                break;
            case 13: {
                String xml = "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>\"0123456789abcdef"
                        + "0123456789abcdef\"</ETag></Part></CompleteMultipartUpload>";
                w = new WireRequest(WireRequest.Kind.S3, c.s3Port(), "POST", "/" + c.mfaBucket() + "/"
                        + c.uploadKey()).query("uploadId", c.uploadId());
                w.body = bytes(m.chance(0.6) ? m.xml(xml) : xml);
                break;
            }
            case 14:
                w = new WireRequest(WireRequest.Kind.S3, c.s3Port(), "GET", "/" + b).query("versioning", "");
                break;
            default:
                w = new WireRequest(WireRequest.Kind.S3, c.s3Port(), "GET", "/" + b).query("uploads", "");
                break;
        }
        return w.header("Host", "127.0.0.1:" + c.s3Port());
    }

    static WireRequest iam(Mutator m, Context c) {
        WireRequest w = new WireRequest(WireRequest.Kind.IAM, c.s3Port(), "POST", "/")
                .header("Host", "127.0.0.1:" + c.s3Port())
                .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
        String user = m.pick(List.of("root", "ROOT", c.iamUser(), "fuzz-new-" + m.nextInt(50)));
        switch (m.nextInt(14)) {
            case 0 -> w.form("Action", "GetUser").form("UserName", user);
            case 1 -> w.form("Action", "ListUsers").form("MaxItems", "3");
            case 2 -> w.form("Action", "ListAccessKeys").form("UserName", user);
            case 3 -> w.form("Action", "ListMFADevices").form("UserName", user);
            case 4 -> w.form("Action", "ListVirtualMFADevices").form("AssignmentStatus", "Any");
            case 5 -> w.form("Action", "GetAccountSummary");
            case 6 -> w.form("Action", "CreateUser").form("UserName", "fuzz-new-" + m.nextInt(50));
            case 7 -> w.form("Action", "CreateVirtualMFADevice").form("VirtualMFADeviceName", "fuzz-" + m.nextInt(50));
            case 8 -> w.form("Action", "EnableMFADevice").form("UserName", user).form("SerialNumber", c.rootSerial())
                    .form("AuthenticationCode1", c.wrongCode().apply(m))
                    .form("AuthenticationCode2", c.wrongCode().apply(m));
            case 9 -> w.form("Action", "ResyncMFADevice").form("UserName", user).form("SerialNumber", c.rootSerial())
                    .form("AuthenticationCode1", c.wrongCode().apply(m))
                    .form("AuthenticationCode2", c.wrongCode().apply(m));
            case 10 -> w.form("Action", "PutUserPolicy").form("UserName", c.iamUser()).form("PolicyName", "fuzz-extra")
                    .form("PolicyDocument", m.chance(0.7) ? m.string(POLICY) : POLICY);
            case 11 -> w.form("Action", "GetUserPolicy").form("UserName", user).form("PolicyName", "fuzz-extra");
            case 12 -> w.form("Action", "ListMFADeviceTags").form("SerialNumber", c.rootSerial());
            default -> w.form("Action", "GetMFADevice").form("SerialNumber", c.rootSerial());
        }
        return w.form("Version", "2010-05-08");
    }

    /** A policy document to mutate (conditions and wildcards exercise the evaluator's parser). */
    static final String POLICY = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":"
            + "[\"s3:Get*\",\"iam:List*\"],\"Resource\":\"*\",\"Condition\":{\"Bool\":{\"aws:SecureTransport\":"
            + "\"true\"},\"NumericLessThan\":{\"aws:MultiFactorAuthAge\":\"3600\"}}}]}";

    static WireRequest sts(Mutator m, Context c) {
        WireRequest w = new WireRequest(WireRequest.Kind.STS, c.s3Port(), "POST", "/")
                .header("Host", "127.0.0.1:" + c.s3Port())
                .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
        switch (m.nextInt(3)) {
            case 0 -> w.form("Action", "GetCallerIdentity");
            case 1 -> w.form("Action", "GetSessionToken").form("DurationSeconds", m.pick(List.of("900", "3600",
                    "129600", "899", "129601")));
            default -> w.form("Action", "GetSessionToken").form("SerialNumber", c.rootSerial())
                    .form("TokenCode", c.wrongCode().apply(m));
        }
        return w.form("Version", "2011-06-15");
    }

    static WireRequest console(Mutator m, Context c) {
        WireRequest w;
        String b = bucket(m, c);
        switch (m.nextInt(12)) {
            case 0 -> w = new WireRequest(WireRequest.Kind.CONSOLE, c.consolePort(), "GET", "/signin");
            case 1 -> w = new WireRequest(WireRequest.Kind.CONSOLE, c.consolePort(), "POST", "/signin")
                    .form("account", c.accountId()).form("password", "wrong-" + m.nextInt(9)).form("csrf", "x");
            case 2 -> w = new WireRequest(WireRequest.Kind.CONSOLE, c.consolePort(), "GET", "/a/" + c.accountId());
            case 3 -> w = new WireRequest(WireRequest.Kind.CONSOLE, c.consolePort(), "POST", "/a/" + c.accountId())
                    .form("username", c.iamUser()).form("password", "nope").form("csrf", "x");
            case 4 -> w = new WireRequest(WireRequest.Kind.CONSOLE, c.consolePort(), "POST", "/signin/mfa")
                    .form("code", c.wrongCode().apply(m)).form("csrf", "x");
            case 5 -> w = new WireRequest(WireRequest.Kind.CONSOLE, c.consolePort(), "POST", "/signin/resync")
                    .form("code1", "123456").form("code2", "654321").form("csrf", "x");
            case 6 -> w = new WireRequest(WireRequest.Kind.CONSOLE, c.consolePort(), "GET", "/buckets/" + b);
            case 7 -> w = new WireRequest(WireRequest.Kind.CONSOLE, c.consolePort(), "POST", "/buckets/" + b
                    + "/delete-version").form("key", m.pick(c.keys())).form("versionId", m.pick(c.versionIds()))
                    .form("code", c.wrongCode().apply(m)).form("csrf", "x");
            case 8 -> w = new WireRequest(WireRequest.Kind.CONSOLE, c.consolePort(), "POST", "/buckets/" + b
                    + "/versioning").form("status", "Suspended").form("mfaDelete", "Disabled")
                    .form("code", c.wrongCode().apply(m)).form("csrf", "x");
            case 9 -> w = new WireRequest(WireRequest.Kind.CONSOLE, c.consolePort(), "POST", "/users/root/deactivate")
                    .form("serial", c.rootSerial()).form("csrf", "x");
            case 10 -> w = new WireRequest(WireRequest.Kind.CONSOLE, c.consolePort(), "GET", "/security-credentials");
            default -> w = new WireRequest(WireRequest.Kind.CONSOLE, c.consolePort(), "GET", "/static/console.css");
        }
        w.header("Host", "127.0.0.1:" + c.consolePort());
        if (w.form != null) {
            w.header("Content-Type", "application/x-www-form-urlencoded");
        }
        if (m.chance(0.6)) {
            w.header("Cookie", "dk_session=" + m.string("c2Vzc2lvbg") + "; dk_pre=" + m.string("cHJl"));
        }
        if (m.chance(0.2)) {
            w.header("Origin", m.pick(List.of("http://evil.example", "null", "http://127.0.0.1:" + c.consolePort())));
        }
        return w;
    }

    /** A key as it goes into a request path: percent-encoded, slashes kept. */
    private static String path(String key) {
        return dev.dualkey.gateway.auth.AwsUriEncoding.encode(key, true);
    }

    /** A key as XML text (control characters dropped: XML 1.0 cannot carry them). */
    private static String xmlText(String key) {
        return key.replaceAll("[\\x00-\\x1f]", "").replace("&", "&amp;").replace("<", "&lt;");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
