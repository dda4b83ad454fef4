package dev.dualkey.gateway.s3.xml;

import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import dev.dualkey.storage.model.MfaDeleteState;
import dev.dualkey.storage.model.VersioningState;

/**
 * A PutBucketVersioning request body.
 *
 * <pre>
 * &lt;VersioningConfiguration&gt;&lt;Status&gt;Enabled|Suspended&lt;/Status&gt;
 *   [&lt;MfaDelete&gt;Enabled|Disabled&lt;/MfaDelete&gt;]&lt;/VersioningConfiguration&gt;
 * </pre>
 *
 * @param status    the requested versioning state (ENABLED or SUSPENDED)
 * @param mfaDelete the requested MFA Delete state, or null when the element is absent
 */
public record VersioningConfiguration(VersioningState status, MfaDeleteState mfaDelete) {

    /**
     * Parses and validates per the spec: no Status -> IllegalVersioningConfigurationException; a Status or
     * MfaDelete value other than exactly {@code Enabled}/{@code Suspended}/{@code Disabled} -> MalformedXML.
     */
    public static VersioningConfiguration parse(byte[] body) {
        XmlElement root = XmlElement.parse(body);
        if (!root.name().equals("VersioningConfiguration")) {
            throw new S3Exception(S3ErrorCode.MALFORMED_XML);
        }
        MfaDeleteState mfa = root.childText("MfaDelete").map(v -> switch (v) {
            case "Enabled" -> MfaDeleteState.ENABLED;
            case "Disabled" -> MfaDeleteState.DISABLED;
            default -> throw new S3Exception(S3ErrorCode.MALFORMED_XML);
        }).orElse(null);
        String status = root.childText("Status").orElse(null);
        if (status == null) {
            throw new S3Exception(S3ErrorCode.ILLEGAL_VERSIONING_CONFIGURATION);
        }
        VersioningState state = switch (status) {
            case "Enabled" -> VersioningState.ENABLED;
            case "Suspended" -> VersioningState.SUSPENDED;
            default -> throw new S3Exception(S3ErrorCode.MALFORMED_XML);
        };
        return new VersioningConfiguration(state, mfa);
    }
}
