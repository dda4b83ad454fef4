package dev.dualkey.mfa.store;

import dev.dualkey.mfa.audit.AuditRecord;
import dev.dualkey.mfa.identity.Account;
import dev.dualkey.mfa.identity.IamUser;
import dev.dualkey.storage.kv.KvStore;
import dev.dualkey.storage.kv.KvTable;
import dev.dualkey.storage.kv.RocksKvStore;
import dev.dualkey.storage.rocks.Codecs;
import dev.dualkey.storage.rocks.RocksDatabase;
import java.util.List;
import java.util.Locale;

/**
 * Typed tables of every mfa family over one {@link KvStore}: the data directory's RocksDB (the default; the
 * families and their layouts are unchanged) or etcd shared by several gateways ({@code serve --state etcd://}).
 * No logic: services combine these tables in {@link KvStore#write} transactions; the writes that must not be
 * lost or doubled across gateways carry a compare-and-set condition on the record they read
 * ({@link KvTable#expect}).
 */
public final class MfaStore {
    private final KvStore kv;
    private final KvTable<String, Account> accounts;
    private final KvTable<String, String> aliases;
    private final KvTable<List<String>, IamUser> users;
    private final KvTable<String, StoredAccessKey> accessKeys;
    private final KvTable<List<String>, Boolean> userAccessKeys;
    private final KvTable<List<String>, StoredLoginProfile> loginProfiles;
    private final KvTable<List<String>, String> userPolicies;
    private final KvTable<String, DeviceRecord> devices;
    private final KvTable<List<String>, Boolean> userDevices;
    private final KvTable<byte[], SessionRecord> sessions;
    private final KvTable<String, StoredSessionCredential> sessionCredentials;
    private final KvTable<byte[], Boolean> sessionExpiry;
    private final KvTable<byte[], AuditRecord> audit;
    private final KvTable<String, byte[]> meta;

    /** The embedded mode: the mfa families of the data directory's database. */
    public MfaStore(RocksDatabase db) {
        this(RocksKvStore.over(db));
    }

    /** Over any state store (RocksDB, etcd). */
    public MfaStore(KvStore kv) {
        this.kv = kv;
        accounts = new KvTable<>(kv, MfaSchema.ACCOUNTS, Codecs.UTF8, MfaCodecs.ACCOUNT);
        aliases = new KvTable<>(kv, MfaSchema.ACCOUNT_ALIASES, Codecs.UTF8, Codecs.UTF8);
        users = new KvTable<>(kv, MfaSchema.USERS, Keys.COMPOSITE, MfaCodecs.USER);
        accessKeys = new KvTable<>(kv, MfaSchema.ACCESS_KEYS, Codecs.UTF8, MfaCodecs.ACCESS_KEY);
        userAccessKeys = new KvTable<>(kv, MfaSchema.USER_ACCESS_KEYS, Keys.COMPOSITE, MfaCodecs.PRESENT);
        loginProfiles = new KvTable<>(kv, MfaSchema.LOGIN_PROFILES, Keys.COMPOSITE, MfaCodecs.LOGIN_PROFILE);
        userPolicies = new KvTable<>(kv, MfaSchema.USER_POLICIES, Keys.COMPOSITE, Codecs.UTF8);
        devices = new KvTable<>(kv, MfaSchema.DEVICES, Codecs.UTF8, MfaCodecs.DEVICE);
        userDevices = new KvTable<>(kv, MfaSchema.USER_DEVICES, Keys.COMPOSITE, MfaCodecs.PRESENT);
        sessions = new KvTable<>(kv, MfaSchema.SESSIONS, Codecs.BYTES, MfaCodecs.SESSION);
        sessionCredentials = new KvTable<>(kv, MfaSchema.SESSION_CREDENTIALS, Codecs.UTF8,
                MfaCodecs.SESSION_CREDENTIAL);
        sessionExpiry = new KvTable<>(kv, MfaSchema.SESSION_EXPIRY, Codecs.BYTES, MfaCodecs.PRESENT);
        audit = new KvTable<>(kv, MfaSchema.AUDIT, Codecs.BYTES, MfaCodecs.AUDIT);
        meta = new KvTable<>(kv, MfaSchema.META, Codecs.UTF8, Codecs.BYTES);
    }

    /** The user-key component for {@code userName}: IAM names are unique case-insensitively. */
    public static String lc(String userName) {
        return userName.toLowerCase(Locale.ROOT);
    }

    /** The state store the tables live in; its {@code write} commits a transaction across tables. */
    public KvStore kv() {
        return kv;
    }

    public KvTable<String, Account> accounts() {
        return accounts;
    }

    public KvTable<String, String> aliases() {
        return aliases;
    }

    public KvTable<List<String>, IamUser> users() {
        return users;
    }

    public KvTable<String, StoredAccessKey> accessKeys() {
        return accessKeys;
    }

    public KvTable<List<String>, Boolean> userAccessKeys() {
        return userAccessKeys;
    }

    public KvTable<List<String>, StoredLoginProfile> loginProfiles() {
        return loginProfiles;
    }

    public KvTable<List<String>, String> userPolicies() {
        return userPolicies;
    }

    public KvTable<String, DeviceRecord> devices() {
        return devices;
    }

    public KvTable<List<String>, Boolean> userDevices() {
        return userDevices;
    }

    public KvTable<byte[], SessionRecord> sessions() {
        return sessions;
    }

    public KvTable<String, StoredSessionCredential> sessionCredentials() {
        return sessionCredentials;
    }

    public KvTable<byte[], Boolean> sessionExpiry() {
        return sessionExpiry;
    }

    public KvTable<byte[], AuditRecord> audit() {
        return audit;
    }

    public KvTable<String, byte[]> meta() {
        return meta;
    }
}
