package dev.dualkey.mfa.store;

import dev.dualkey.storage.rocks.ColumnFamilySpec;
import java.util.List;

/**
 * Every RocksDB column family of the mfa module. Composite keys use {@link Keys} (0x00-terminated UTF-8
 * components); {@code lcUser} is the user name lower-cased (IAM names are unique case-insensitively); the root
 * user is stored as user {@code root}. Values are versioned records (see {@link MfaCodecs}); secrets inside them
 * are AES-GCM sealed ({@code SecretBox}), never plain.
 *
 * <table>
 *   <caption>mfa column families</caption>
 *   <tr><th>family</th><th>key :- value</th></tr>
 *   <tr><td>mfa.accounts</td><td>accountId :- Account</td></tr>
 *   <tr><td>mfa.account_aliases</td><td>alias :- accountId</td></tr>
 *   <tr><td>mfa.users</td><td>accountId 00 lcUser 00 :- IamUser</td></tr>
 *   <tr><td>mfa.access_keys</td><td>accessKeyId :- StoredAccessKey (secret sealed, AAD "akid:"+id)</td></tr>
 *   <tr><td>mfa.user_access_keys</td><td>accountId 00 lcUser 00 accessKeyId 00 :- (empty)</td></tr>
 *   <tr><td>mfa.login_profiles</td><td>accountId 00 lcUser 00 :- StoredLoginProfile (Argon2id PHC hash)</td></tr>
 *   <tr><td>mfa.user_policies</td><td>accountId 00 lcUser 00 policyName 00 :- policy JSON (UTF-8)</td></tr>
 *   <tr><td>mfa.devices</td><td>serial :- DeviceRecord (seed sealed, AAD "seed:"+serial; replay and
 *       throttle state). Virtual serials are ARNs, so {@code arn:aws:iam::<acct>:mfa/} prefixes one account's
 *       virtual devices.</td></tr>
 *   <tr><td>mfa.user_devices</td><td>accountId 00 lcUser 00 serial 00 :- (empty): devices assigned to a user</td></tr>
 *   <tr><td>mfa.sessions</td><td>SHA-256(session or challenge token) :- SessionRecord</td></tr>
 *   <tr><td>mfa.session_credentials</td><td>accessKeyId (ASIA...) :- StoredSessionCredential (STS temporary
 *       credentials: secret sealed, AAD "asia:"+id; only the SHA-256 of the session token)</td></tr>
 *   <tr><td>mfa.session_expiry</td><td>expiration epochSecond (8 B BE) || accessKeyId :- (empty): the sweep's
 *       index of session credentials by expiry</td></tr>
 *   <tr><td>mfa.audit</td><td>epochMillis (8 B BE) || sequence (8 B BE) :- AuditRecord (append-only)</td></tr>
 *   <tr><td>mfa.meta</td><td>name (UTF-8) :- bytes (e.g. {@code bootstrap.account})</td></tr>
 * </table>
 */
public final class MfaSchema {
    public static final String ACCOUNTS = "mfa.accounts";
    public static final String ACCOUNT_ALIASES = "mfa.account_aliases";
    public static final String USERS = "mfa.users";
    public static final String ACCESS_KEYS = "mfa.access_keys";
    public static final String USER_ACCESS_KEYS = "mfa.user_access_keys";
    public static final String LOGIN_PROFILES = "mfa.login_profiles";
    public static final String USER_POLICIES = "mfa.user_policies";
    public static final String DEVICES = "mfa.devices";
    public static final String USER_DEVICES = "mfa.user_devices";
    public static final String SESSIONS = "mfa.sessions";
    public static final String SESSION_CREDENTIALS = "mfa.session_credentials";
    public static final String SESSION_EXPIRY = "mfa.session_expiry";
    public static final String AUDIT = "mfa.audit";
    public static final String META = "mfa.meta";

    /** All families; the gateway appends them to storage's list for {@code RocksDatabase.open}. */
    public static final List<ColumnFamilySpec> FAMILIES = List.of(
            ColumnFamilySpec.of(ACCOUNTS, "accountId :- Account"),
            ColumnFamilySpec.of(ACCOUNT_ALIASES, "alias :- accountId"),
            ColumnFamilySpec.of(USERS, "accountId 00 lcUser 00 :- IamUser"),
            ColumnFamilySpec.of(ACCESS_KEYS, "accessKeyId :- StoredAccessKey"),
            ColumnFamilySpec.of(USER_ACCESS_KEYS, "accountId 00 lcUser 00 accessKeyId 00 :- empty"),
            ColumnFamilySpec.of(LOGIN_PROFILES, "accountId 00 lcUser 00 :- StoredLoginProfile"),
            ColumnFamilySpec.of(USER_POLICIES, "accountId 00 lcUser 00 policyName 00 :- policy JSON"),
            ColumnFamilySpec.of(DEVICES, "serial :- DeviceRecord"),
            ColumnFamilySpec.of(USER_DEVICES, "accountId 00 lcUser 00 serial 00 :- empty"),
            ColumnFamilySpec.of(SESSIONS, "sha256(token) :- SessionRecord"),
            ColumnFamilySpec.of(SESSION_CREDENTIALS, "accessKeyId :- StoredSessionCredential"),
            ColumnFamilySpec.of(SESSION_EXPIRY, "expirationEpochSecond || accessKeyId :- empty"),
            ColumnFamilySpec.of(AUDIT, "epochMillis || sequence :- AuditRecord"),
            ColumnFamilySpec.of(META, "name :- bytes"));

    private MfaSchema() {
    }
}
