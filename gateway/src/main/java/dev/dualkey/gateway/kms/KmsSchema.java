package dev.dualkey.gateway.kms;

import dev.dualkey.storage.rocks.BinaryReader;
import dev.dualkey.storage.rocks.BinaryWriter;
import dev.dualkey.storage.rocks.Codec;
import dev.dualkey.storage.rocks.Codecs;
import dev.dualkey.storage.rocks.ColumnFamilySpec;
import java.time.Instant;
import java.util.List;

/**
 * The KMS key registry's column families (embedded) and key spaces (the same names, in etcd: cluster mode).
 *
 * <table>
 *   <caption>kms column families</caption>
 *   <tr><th>family</th><th>key :- value</th></tr>
 *   <tr><td>kms.keys</td><td>utf8(keyId) :- KeyRecord</td></tr>
 *   <tr><td>kms.aliases</td><td>utf8(accountId 00 aliasName) :- utf8(keyId) (alias name without
 *       {@code alias/})</td></tr>
 *   <tr><td>kms.meta</td><td>utf8(name) :- bytes: reserved (a master key rotation keeps its cursor in a file of the data
 *       directory, {@code gateway.rotate.RotationState}, since its object data pass is per data directory)</td></tr>
 * </table>
 *
 * KeyRecord, version 1 ({@link Codecs#record}):
 * <pre>
 *   string  accountId
 *   string  region
 *   string  description
 *   boolean awsManaged
 *   byte    state (0 Enabled, 1 Disabled, 2 PendingDeletion)
 *   instant created
 *   boolean hasDeletionDate, [instant deletionDate]
 *   bytes   sealed material (SecretBox layout: version, nonce, ciphertext, tag; AAD "kms:" + keyId)
 * </pre>
 * Fields are appended at the end and read only when present, as every record of the store.
 */
public final class KmsSchema {
    public static final String KEYS = "kms.keys";
    public static final String ALIASES = "kms.aliases";
    public static final String META = "kms.meta";

    /** The families the storage engine opens for the registry. */
    public static final List<ColumnFamilySpec> FAMILIES = List.of(
            ColumnFamilySpec.of(KEYS, "keyId :- KeyRecord"),
            ColumnFamilySpec.of(ALIASES, "accountId 00 aliasName :- keyId"),
            ColumnFamilySpec.of(META, "name :- bytes"));

    private KmsSchema() {
    }

    /** The codec of a key's record; the key id is the row key and is given back by {@link #decode}. */
    static Codec<KmsKey> keyCodec(String keyId) {
        return Codecs.record(1, KmsSchema::write, r -> read(keyId, r));
    }

    static byte[] encode(KmsKey k) {
        return keyCodec(k.keyId()).encode(k);
    }

    static KmsKey decode(String keyId, byte[] bytes) {
        return keyCodec(keyId).decode(bytes);
    }

    private static void write(BinaryWriter w, KmsKey k) {
        w.writeString(k.accountId()).writeString(k.region()).writeString(k.description())
                .writeBoolean(k.awsManaged()).writeByte(k.state().ordinal()).writeInstant(k.created())
                .writeBoolean(k.deletionDate() != null);
        if (k.deletionDate() != null) {
            w.writeInstant(k.deletionDate());
        }
        w.writeBytes(k.sealedMaterial());
    }

    private static KmsKey read(String keyId, BinaryReader r) {
        String account = r.readString();
        String region = r.readString();
        String description = r.readString();
        boolean managed = r.readBoolean();
        KeyState state = KeyState.values()[r.readByte()];
        Instant created = r.readInstant();
        Instant deletion = r.readBoolean() ? r.readInstant() : null;
        byte[] sealed = r.readBytes();
        return new KmsKey(keyId, account, region, description, managed, state, created, deletion, sealed);
    }

    static String aliasRow(String accountId, String alias) {
        return accountId + "\0" + alias;
    }
}
