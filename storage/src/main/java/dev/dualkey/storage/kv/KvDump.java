package dev.dualkey.storage.kv;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;

/**
 * Moves the entries of some spaces from one {@link KvStore} to another through a file: how a single-node data
 * directory's identity and MFA state (RocksDB) goes into etcd for cluster mode ({@code admin export-state},
 * {@code import-state}). Values are copied byte for byte: secrets stay sealed with the master key, which the
 * cluster's gateways must share.
 *
 * <p>File layout (big-endian):
 * <pre>
 *   "DKSTATE1"                                 8 bytes magic
 *   entries:  0x01 | u16 space length | space (ASCII) | u32 key length | key | u32 value length | value
 *   end:      0x00 | u64 entry count | SHA-256 of every byte before this digest (32 bytes)
 * </pre>
 * An import reads the file twice: first it checks the digest and count (a truncated or altered file writes
 * nothing), then it writes in transactions of {@value #ENTRIES_PER_TXN} entries, each conditional on its keys
 * being absent, into a target whose spaces must all be empty at the start.
 */
public final class KvDump {
    static final byte[] MAGIC = "DKSTATE1".getBytes(StandardCharsets.US_ASCII);
    static final int ENTRIES_PER_TXN = 50;
    private static final int PAGE = 256;
    private static final int MAX_FIELD = 64 << 20;

    private KvDump() {
    }

    /** What an export or import moved. */
    public record Summary(long entries, List<String> spaces) {
    }

    /** Writes every entry of {@code spaces} in {@code from} to {@code out} (not closed). */
    public static Summary export(KvStore from, List<String> spaces, OutputStream out) throws IOException {
        MessageDigest sha = sha256();
        DataOutputStream data = new DataOutputStream(new DigestOutputStream(new BufferedOutputStream(out), sha));
        data.write(MAGIC);
        long n = 0;
        for (String space : spaces) {
            byte[] next = null;
            while (true) {
                List<KvPair> page = from.scan(space, next, null, PAGE);
                for (KvPair p : page) {
                    data.writeByte(1);
                    byte[] s = space.getBytes(StandardCharsets.US_ASCII);
                    data.writeShort(s.length);
                    data.write(s);
                    data.writeInt(p.key().length);
                    data.write(p.key());
                    data.writeInt(p.value().length);
                    data.write(p.value());
                    n++;
                }
                if (page.size() < PAGE) {
                    break;
                }
                byte[] last = page.get(page.size() - 1).key();
                next = Arrays.copyOf(last, last.length + 1);
            }
        }
        data.writeByte(0);
        data.writeLong(n);
        data.flush();
        out.write(sha.digest());
        out.flush();
        return new Summary(n, List.copyOf(spaces));
    }

    /**
     * Imports {@code file} into {@code to}; only entries of {@code spaces} are accepted.
     *
     * @throws IOException           when the file is not a complete, unaltered export
     * @throws IllegalStateException when a space of the target is not empty (nothing written)
     */
    public static Summary importFile(Path file, KvStore to, List<String> spaces) throws IOException {
        long count = verify(file, spaces);
        for (String space : spaces) {
            if (!to.scan(space, null, null, 1).isEmpty()) {
                throw new IllegalStateException("the target already holds state in " + space
                        + "; import only into an empty state store");
            }
        }
        long n = 0;
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            in.readFully(new byte[MAGIC.length]);
            KvTxn txn = new KvTxn();
            int inTxn = 0;
            while (in.readByte() == 1) {
                readEntry(in, spaces, txn);
                n++;
                if (++inTxn == ENTRIES_PER_TXN) {
                    commit(to, txn);
                    txn = new KvTxn();
                    inTxn = 0;
                }
            }
            if (inTxn > 0) {
                commit(to, txn);
            }
        }
        if (n != count) {
            throw new IOException("the file changed while it was imported");
        }
        return new Summary(n, List.copyOf(spaces));
    }

    private static void commit(KvStore to, KvTxn txn) {
        if (!to.commit(txn)) {
            throw new IllegalStateException("a key being imported appeared in the target meanwhile (is a gateway "
                    + "already running on it?); the import stopped part-way");
        }
    }

    /** @return the entry count, after checking magic, layout, allowed spaces, count and digest */
    static long verify(Path file, List<String> spaces) throws IOException {
        MessageDigest sha = sha256();
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            DataInputStream in = new DataInputStream(new DigestInputStream(raw, sha));
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IOException("not a Dualkey state export");
            }
            long n = 0;
            byte tag;
            while ((tag = in.readByte()) == 1) {
                readEntry(in, spaces, null);
                n++;
            }
            if (tag != 0) {
                throw new IOException("corrupt state export (entry tag " + tag + ")");
            }
            long count = in.readLong();
            byte[] expected = sha.digest();
            byte[] stored = new byte[32];
            new DataInputStream(raw).readFully(stored);
            if (raw.read() != -1) {
                throw new IOException("trailing bytes after the state export");
            }
            if (count != n || !MessageDigest.isEqual(expected, stored)) {
                throw new IOException("state export is truncated or altered (count or digest mismatch)");
            }
            return n;
        } catch (EOFException e) {
            throw new IOException("state export is truncated", e);
        }
    }

    private static KvPair readEntry(DataInputStream in, List<String> spaces, KvTxn stage) throws IOException {
        int sl = in.readUnsignedShort();
        byte[] s = new byte[sl];
        in.readFully(s);
        String space = new String(s, StandardCharsets.US_ASCII);
        if (!spaces.contains(space)) {
            throw new IOException("state export holds an unexpected space: " + space);
        }
        byte[] key = field(in);
        byte[] value = field(in);
        if (stage != null) {
            stage.expectAbsent(space, key);
            stage.put(space, key, value);
        }
        return new KvPair(key, value);
    }

    private static byte[] field(DataInputStream in) throws IOException {
        int len = in.readInt();
        if (len < 0 || len > MAX_FIELD) {
            throw new IOException("corrupt state export (field length " + len + ")");
        }
        byte[] b = new byte[len];
        in.readFully(b);
        return b;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
