package dev.dualkey.gateway.sts;

import dev.dualkey.gateway.auth.Principal;
import dev.dualkey.gateway.iam.IamRequestParser;
import dev.dualkey.gateway.iam.error.IamErrorCode;
import dev.dualkey.gateway.iam.error.IamException;
import dev.dualkey.gateway.iam.query.QueryParams;
import dev.dualkey.gateway.iam.xml.IamXml;
import dev.dualkey.mfa.audit.AuditContext;
import dev.dualkey.mfa.identity.Caller;
import dev.dualkey.mfa.identity.IdentityService;
import dev.dualkey.mfa.session.SessionCredentialService;
import dev.dualkey.mfa.session.SessionCredentials;
import dev.dualkey.mfa.session.SessionMfaException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The STS Query API, free of Netty: decoded parameters and an authenticated principal in, one document out.
 *
 * <p>Every request goes the same way: parameters decoded (the IAM package's strict form decoder) ->
 * {@code Action} present -> {@code Version} is {@code 2011-06-15} -> action known -> the action, which validates
 * its members as botocore's model declares them -> a success document, or one error document. Neither action
 * needs a permission, as on AWS ("no permissions are required"): a principal may always learn who it is and
 * trade its long-term key for a session of itself, which can do no more than the key.
 */
public final class StsQueryHandler {
    /** The only STS API version. */
    public static final String VERSION = "2011-06-15";
    static final String INVALID_CODE = "MultiFactorAuthentication failed with invalid MFA one time pass code.";
    static final String UNKNOWN_SERIAL = "MultiFactorAuthentication failed, unable to validate MFA code.  Please"
            + " verify your MFA serial number is valid and associated with this user.";
    static final String SESSION_CALLER = "Cannot call GetSessionToken with session credentials";

    private static final Logger LOG = LoggerFactory.getLogger(StsQueryHandler.class);
    /** Action and Version values echoed in messages must look like what they claim to be. */
    private static final Pattern ECHOABLE = Pattern.compile("[A-Za-z0-9.-]{1,64}");
    /** botocore {@code serialNumberType}: 9 to 256 of these. */
    private static final Pattern SERIAL = Pattern.compile("[\\w+=/:,.@-]{9,256}");
    /** botocore {@code tokenCodeType}: six digits. */
    private static final Pattern TOKEN_CODE = Pattern.compile("[0-9]{6}");

    private final SessionCredentialService sessions;
    private final IdentityService identity;

    public StsQueryHandler(SessionCredentialService sessions, IdentityService identity) {
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.identity = Objects.requireNonNull(identity, "identity");
    }

    /**
     * @param caller      the verified signer
     * @param accessKeyId the access key that signed (long-term or session)
     */
    public StsResponse handle(String method, String contentType, String rawQuery, byte[] body, Principal caller,
                              String accessKeyId, String requestId, String clientAddress) {
        StsAction action = null;
        try {
            QueryParams params = parse(method, contentType, rawQuery, body);
            action = resolve(params);
            Map<String, Object> result = switch (action) {
                case GET_SESSION_TOKEN -> getSessionToken(params, caller, accessKeyId, clientAddress);
                case GET_CALLER_IDENTITY -> getCallerIdentity(caller);
            };
            LOG.debug("sts {} by {} ok (request {})", action.actionName(), caller.arn(), requestId);
            return new StsResponse(200, StsXml.success(action.actionName(), result, requestId));
        } catch (StsException e) {
            LOG.debug("sts {} by {} failed: {} (request {})", action == null ? "?" : action.actionName(),
                    caller.arn(), e.errorCode().code(), requestId);
            return error(e, requestId);
        } catch (RuntimeException e) {
            LOG.error("sts {} failed unexpectedly (request {})", action == null ? "?" : action.actionName(),
                    requestId, e);
            return error(new StsException(StsErrorCode.INTERNAL_FAILURE,
                    "An internal error has occurred. Try your request again."), requestId);
        }
    }

    /** The STS error document for {@code e}, with its status. */
    public static StsResponse error(StsException e, String requestId) {
        return new StsResponse(e.errorCode().httpStatus(), StsXml.error(e, requestId));
    }

    private Map<String, Object> getSessionToken(QueryParams p, Principal caller, String accessKeyId,
                                                String clientAddress) {
        String serial = p.get("SerialNumber");
        String code = p.get("TokenCode");
        AuditContext ctx = new AuditContext(caller.arn(), accessKeyId, null, null, null, null, clientAddress);
        Duration duration;
        try {
            if (caller.temporary()) {
                throw new StsException(StsErrorCode.ACCESS_DENIED, SESSION_CALLER);
            }
            duration = duration(p.get("DurationSeconds"));
            if (serial != null && !SERIAL.matcher(serial).matches()) {
                throw validation("serialNumber", "Member must satisfy regular expression pattern: [\\w+=/:,.@-]*"
                        + " and have length between 9 and 256");
            }
            if (code != null && !TOKEN_CODE.matcher(code).matches()) {
                // never echo the code, even a malformed one
                throw validation("tokenCode", "Member must satisfy regular expression pattern: [\\d]* and have"
                        + " length 6");
            }
            if ((serial == null) != (code == null)) {
                throw new StsException(StsErrorCode.VALIDATION_ERROR, serial == null
                        ? "TokenCode requires SerialNumber" : "SerialNumber requires TokenCode");
            }
        } catch (StsException e) {
            if (serial != null || code != null) { // every GetSessionToken that carries MFA input is audited
                sessions.auditRefused(caller.accountId(), serial != null && SERIAL.matcher(serial).matches()
                        ? serial : null, "refused before the code check: " + e.errorCode().code(), ctx);
            }
            throw e;
        }
        SessionCredentials s;
        try {
            s = sessions.getSessionToken(accessKeyId, duration, serial, code, ctx);
        } catch (SessionMfaException e) {
            throw new StsException(StsErrorCode.ACCESS_DENIED,
                    e.reason() == SessionMfaException.Reason.UNKNOWN_SERIAL ? UNKNOWN_SERIAL : INVALID_CODE);
        } catch (IllegalArgumentException e) {
            // the signing key was deleted or deactivated after this request was authenticated
            throw new StsException(StsErrorCode.INVALID_CLIENT_TOKEN_ID,
                    "The security token included in the request is invalid.");
        }
        Map<String, Object> credentials = new LinkedHashMap<>();
        credentials.put("AccessKeyId", s.accessKeyId());
        credentials.put("SecretAccessKey", s.secretAccessKey());
        credentials.put("SessionToken", s.sessionToken());
        credentials.put("Expiration", IamXml.timestamp(s.expiration()));
        return Map.of("Credentials", credentials);
    }

    private Map<String, Object> getCallerIdentity(Principal caller) {
        Caller c = identity.findUser(caller.accountId(), caller.userName()).map(Caller::of)
                .orElseThrow(() -> new StsException(StsErrorCode.INVALID_CLIENT_TOKEN_ID,
                        "The security token included in the request is invalid."));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("UserId", c.userId());
        result.put("Account", caller.accountId());
        result.put("Arn", caller.arn());
        return result;
    }

    private static Duration duration(String value) {
        if (value == null) {
            return SessionCredentialService.DEFAULT_DURATION;
        }
        long seconds;
        try {
            seconds = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw validation("durationSeconds", "Member must be an integer");
        }
        long min = SessionCredentialService.MIN_DURATION.getSeconds();
        long max = SessionCredentialService.MAX_DURATION.getSeconds();
        if (seconds < min) {
            throw new StsException(StsErrorCode.VALIDATION_ERROR, "1 validation error detected: Value '" + seconds
                    + "' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or"
                    + " equal to " + min);
        }
        if (seconds > max) {
            throw new StsException(StsErrorCode.VALIDATION_ERROR, "1 validation error detected: Value '" + seconds
                    + "' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or"
                    + " equal to " + max);
        }
        return Duration.ofSeconds(seconds);
    }

    private static StsException validation(String member, String constraint) {
        return new StsException(StsErrorCode.VALIDATION_ERROR, "1 validation error detected: Value at '" + member
                + "' failed to satisfy constraint: " + constraint);
    }

    private static QueryParams parse(String method, String contentType, String rawQuery, byte[] body) {
        try {
            return IamRequestParser.parse(method, contentType, rawQuery, body);
        } catch (IamException e) {
            throw new StsException(e.errorCode() == IamErrorCode.REQUEST_ENTITY_TOO_LARGE
                    ? StsErrorCode.REQUEST_ENTITY_TOO_LARGE : StsErrorCode.MALFORMED_QUERY_STRING,
                    e.getMessage().replace("IAM requests", "STS requests"));
        }
    }

    private static StsAction resolve(QueryParams params) {
        String name = params.get("Action");
        if (name == null || name.isEmpty()) {
            throw new StsException(StsErrorCode.MISSING_ACTION,
                    "The request is missing an action or a required parameter.");
        }
        String version = params.get("Version");
        if (version == null || version.isEmpty()) {
            throw new StsException(StsErrorCode.MISSING_PARAMETER, "The request must contain the parameter Version.");
        }
        StsAction action = StsAction.fromName(name);
        if (action == null || !VERSION.equals(version)) {
            String op = ECHOABLE.matcher(name).matches() ? name + " " : "";
            String v = ECHOABLE.matcher(version).matches() ? " " + version : "";
            throw new StsException(StsErrorCode.INVALID_ACTION, "Could not find operation " + op + "for version" + v);
        }
        return action;
    }
}
