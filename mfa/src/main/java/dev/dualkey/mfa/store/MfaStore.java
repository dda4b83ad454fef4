package dev.dualkey.mfa.store;

import dev.dualkey.mfa.audit.AuditRecord;
import dev.dualkey.mfa.identity.Account;
import dev.dualkey.mfa.identity.IamUser;
import dev.dualkey.storage.rocks.Codecs;
import dev.dualkey.storage.rocks.RocksDatabase;
import dev.dualkey.storage.rocks.Table;
import java.util.List;
import java.util.Locale;

/**
 * Typed tables of every mfa family over one {@link RocksDatabase}. No logic: services combine these tables in
 * {@link RocksDatabase#write} batches under their locks.
 */
public final class MfaStore {
    private final RocksDatabase db;
    private final Table<String, Account> accounts;
    private final Table<String, String> aliases;
    private final Table<List<String>, IamUser> users;
    private final Table<String, StoredAccessKey> accessKeys;
    private final Table<List<String>, Boolean> userAccessKeys;
    private final Table<List<String>, StoredLoginProfile> loginProfiles;
    private final Table<List<String>, String> userPolicies;
    private final Table<String, DeviceRecord> devices;
    private final Table<List<String>, Boolean> userDevices;
    private final Table<byte[], SessionRecord> sessions;
    private final Table<String, StoredSessionCredential> sessionCredentials;
    private final Table<byte[], Boolean> sessionExpiry;
    private final Table<byte[], AuditRecord> audit;
    private final Table<String, byte[]> meta;

    public MfaStore(RocksDatabase db) {
        this.db = db;
        accounts = db.table(MfaSchema.ACCOUNTS, Codecs.UTF8, MfaCodecs.ACCOUNT);
        aliases = db.table(MfaSchema.ACCOUNT_ALIASES, Codecs.UTF8, Codecs.UTF8);
        users = db.table(MfaSchema.USERS, Keys.COMPOSITE, MfaCodecs.USER);
        accessKeys = db.table(MfaSchema.ACCESS_KEYS, Codecs.UTF8, MfaCodecs.ACCESS_KEY);
        userAccessKeys = db.table(MfaSchema.USER_ACCESS_KEYS, Keys.COMPOSITE, MfaCodecs.PRESENT);
        loginProfiles = db.table(MfaSchema.LOGIN_PROFILES, Keys.COMPOSITE, MfaCodecs.LOGIN_PROFILE);
        userPolicies = db.table(MfaSchema.USER_POLICIES, Keys.COMPOSITE, Codecs.UTF8);
        devices = db.table(MfaSchema.DEVICES, Codecs.UTF8, MfaCodecs.DEVICE);
        userDevices = db.table(MfaSchema.USER_DEVICES, Keys.COMPOSITE, MfaCodecs.PRESENT);
        sessions = db.table(MfaSchema.SESSIONS, Codecs.BYTES, MfaCodecs.SESSION);
        sessionCredentials = db.table(MfaSchema.SESSION_CREDENTIALS, Codecs.UTF8, MfaCodecs.SESSION_CREDENTIAL);
        sessionExpiry = db.table(MfaSchema.SESSION_EXPIRY, Codecs.BYTES, MfaCodecs.PRESENT);
        audit = db.table(MfaSchema.AUDIT, Codecs.BYTES, MfaCodecs.AUDIT);
        meta = db.table(MfaSchema.META, Codecs.UTF8, Codecs.BYTES);
    }

    /** The user-key component for {@code userName}: IAM names are unique case-insensitively. */
    public static String lc(String userName) {
        return userName.toLowerCase(Locale.ROOT);
    }

    public RocksDatabase db() {
        return db;
    }

    public Table<String, Account> accounts() {
        return accounts;
    }

    public Table<String, String> aliases() {
        return aliases;
    }

    public Table<List<String>, IamUser> users() {
        return users;
    }

    public Table<String, StoredAccessKey> accessKeys() {
        return accessKeys;
    }

    public Table<List<String>, Boolean> userAccessKeys() {
        return userAccessKeys;
    }

    public Table<List<String>, StoredLoginProfile> loginProfiles() {
        return loginProfiles;
    }

    public Table<List<String>, String> userPolicies() {
        return userPolicies;
    }

    public Table<String, DeviceRecord> devices() {
        return devices;
    }

    public Table<List<String>, Boolean> userDevices() {
        return userDevices;
    }

    public Table<byte[], SessionRecord> sessions() {
        return sessions;
    }

    public Table<String, StoredSessionCredential> sessionCredentials() {
        return sessionCredentials;
    }

    public Table<byte[], Boolean> sessionExpiry() {
        return sessionExpiry;
    }

    public Table<byte[], AuditRecord> audit() {
        return audit;
    }

    public Table<String, byte[]> meta() {
        return meta;
    }
}
