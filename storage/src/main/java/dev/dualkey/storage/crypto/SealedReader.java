package dev.dualkey.storage.crypto;

import dev.dualkey.storage.DataSegment;
import dev.dualkey.storage.error.DataCorruptionException;
import dev.dualkey.storage.error.StorageIoException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads plaintext ranges of data in the {@link SealedLayout}, decrypting only the chunks a range touches. Every
 * integrity failure is logged once, here, with what the caller named (bucket, key, version; never data), and thrown
 * as {@link DataCorruptionException}.
 */
public final class SealedReader {
    private static final Logger LOG = LoggerFactory.getLogger(SealedReader.class);

    /** Positional reads of the stored bytes ({@code FileChannel::read} fits). */
    @FunctionalInterface
    public interface Source {
        int read(ByteBuffer dst, long position) throws IOException;

        /**
         * The stored bytes held whole in an array (a sealed inline value as RocksDB returned it): the reader
         * decrypts straight out of it instead of copying each sealed chunk into a scratch array first (issue 19:
         * one array of the value's size less per GET of a small object). The array must not change while read.
         */
        static Source of(byte[] stored) {
            return new ArraySource(stored);
        }
    }

    /** {@link Source#of}: positional reads of an array, which {@link #chunk} also reads in place. */
    private record ArraySource(byte[] bytes) implements Source {
        @Override
        public int read(ByteBuffer dst, long position) {
            if (position >= bytes.length) {
                return -1;
            }
            int n = (int) Math.min(dst.remaining(), bytes.length - position);
            dst.put(bytes, (int) position, n);
            return n;
        }
    }

    private final Source source;
    private final byte[] context;
    private final long size;
    private final int shift;
    private final int prefix;
    private final SecretKey dataKey;
    private final long chunks;
    private final String what;

    private SealedReader(Source source, byte[] context, long size, int shift, int prefix, SecretKey dataKey,
                         String what) {
        this.source = source;
        this.context = context;
        this.size = size;
        this.shift = shift;
        this.prefix = prefix;
        this.dataKey = dataKey;
        this.chunks = SealedLayout.chunkCount(size, shift);
        this.what = what;
    }

    /**
     * Reads and checks the header and unwraps the data key.
     *
     * @param size         plaintext length from the version's metadata
     * @param storedLength length of the stored bytes (file size, value length)
     * @param what         names the data in logs and errors: bucket, key, version, blob; never data
     */
    public static SealedReader open(KeyWrapper keys, byte[] context, long size, Source source, long storedLength,
                                    String what) {
        if (keys == null) {
            throw new StorageIoException("object data is encrypted but no master key is configured (" + what + ")");
        }
        try {
            byte[] head;
            if (source instanceof ArraySource a && a.bytes().length == storedLength
                    && storedLength >= SealedLayout.HEADER_BYTES) {
                head = a.bytes(); // only bytes 0..HEADER_BYTES are read below: no copy of the header
            } else {
                head = new byte[SealedLayout.HEADER_BYTES];
                readFully(source, ByteBuffer.wrap(head), 0, what);
            }
            ByteBuffer h = ByteBuffer.wrap(head);
            byte[] magic = new byte[4];
            h.get(magic);
            int version = h.get();
            int shift = h.get();
            h.getShort();
            int prefix = h.getInt();
            if (!Arrays.equals(magic, SealedLayout.MAGIC) || version != SealedLayout.VERSION || shift < 12
                    || shift > 24) {
                throw new DataCorruptionException("sealed header damaged");
            }
            if (storedLength != SealedLayout.sealedLength(size, shift)) {
                throw new DataCorruptionException("stored length " + storedLength + " does not match "
                        + SealedLayout.sealedLength(size, shift) + " for " + size + " bytes");
            }
            byte[] wrapped = Arrays.copyOfRange(head, 12, 12 + KeyWrapper.WRAPPED_BYTES);
            byte[] key = keys.unwrap(wrapped, SealedLayout.wrapAad(head, context));
            SecretKey dataKey = new SecretKeySpec(key, "AES");
            Arrays.fill(key, (byte) 0);
            return new SealedReader(source, context.clone(), size, shift, prefix, dataKey, what);
        } catch (DataCorruptionException e) {
            throw logged(what, e);
        }
    }

    private static DataCorruptionException logged(String what, DataCorruptionException e) {
        LOG.error("integrity check failed, data not served: {}: {}", what, e.getMessage());
        return new DataCorruptionException("stored data failed its integrity check (" + what + "): "
                + e.getMessage(), e);
    }

    private static void readFully(Source source, ByteBuffer dst, long position, String what) {
        long pos = position;
        try {
            while (dst.hasRemaining()) {
                int n = source.read(dst, pos);
                if (n < 0) {
                    throw new DataCorruptionException("stored data ends early at " + pos);
                }
                pos += n;
            }
        } catch (IOException e) {
            throw new StorageIoException("cannot read stored data (" + what + "): " + e.getMessage(), e);
        }
    }

    /**
     * Plaintext of chunk {@code i} in a fresh array (its length is the chunk's plaintext length). From an
     * {@link Source#of array source} the sealed chunk is decrypted where it lies (its bounds were checked against
     * the stored length at open); the plaintext array is returned only after the chunk's tag matched.
     */
    byte[] chunk(long i) {
        int c = 1 << shift;
        long first = i << shift;
        int plainLen = (int) Math.min(c, size - first);
        int sealedLen = plainLen + SealedLayout.TAG_BYTES;
        long at = SealedLayout.HEADER_BYTES + i * (c + SealedLayout.TAG_BYTES);
        try {
            byte[] in;
            int off;
            if (source instanceof ArraySource a && at + sealedLen <= a.bytes().length) {
                in = a.bytes();
                off = (int) at;
            } else {
                in = new byte[sealedLen];
                off = 0;
                readFully(source, ByteBuffer.wrap(in), at, what);
            }
            byte[] out = new byte[plainLen];
            SealedLayout.decrypt(dataKey, prefix, context, i, i == chunks - 1, in, off, sealedLen, out);
            return out;
        } catch (DataCorruptionException e) {
            throw logged(what, e);
        }
    }

    /** The whole plaintext (small inline values only). */
    public byte[] readAll() {
        if (chunks == 1) {
            return chunk(0); // a small object's only chunk is the whole plaintext: no second copy (issue 19)
        }
        byte[] out = new byte[Math.toIntExact(size)];
        for (long i = 0; i < chunks; i++) {
            byte[] p = chunk(i);
            System.arraycopy(p, 0, out, (int) (i << shift), p.length);
        }
        return out;
    }

    /**
     * The plaintext of {@code [offset, offset+length)}, decrypted chunk by chunk as it is pulled. The first chunk is
     * decrypted now, so damage there fails this call (the caller can still answer an error status).
     */
    public DataSegment.PlainChunks range(long offset, long length) {
        if (offset < 0 || length < 0 || offset + length > size) {
            throw new IllegalArgumentException("range outside the sealed data");
        }
        return new Range(offset, length);
    }

    /**
     * A plaintext range. Its two scratch arrays (one sealed chunk read from the source, one decrypted chunk) are
     * allocated once per range, so a long read allocates nothing per chunk. They are heap arrays on purpose: on JDK
     * 17 {@code Cipher.doFinal(ByteBuffer, ByteBuffer)} with direct buffers hashes through {@code
     * GHASH.processBlocksDirect}, which calls the GHASH intrinsic's Java fallback block by block (seen in a JFR
     * profile of a 256 MiB GET: 80% of its samples, several times the CPU of the array path), while {@code
     * doFinal(byte[], ...)} reaches the AES-CTR and CLMUL GHASH intrinsics. Copying the plaintext into the
     * caller's (direct) buffer costs far less than that.
     */
    private final class Range implements DataSegment.PlainChunks {
        private final long length;
        private long pos;
        private final long end;
        private final byte[] sealedChunk;
        private final byte[] plainChunk;
        /** The chunk whose plaintext {@link #plainChunk} holds, or -1. */
        private long plainIndex = -1;
        private int plainLength;
        /** A chunk that failed after sound ones were returned: thrown by the next {@link #read}. */
        private DataCorruptionException failed;

        Range(long offset, long length) {
            this.length = length;
            this.pos = offset;
            this.end = offset + length;
            int c = 1 << shift;
            this.sealedChunk = new byte[c + SealedLayout.TAG_BYTES];
            this.plainChunk = new byte[c];
            if (length > 0) {
                load(pos >>> shift); // the first chunk is decrypted now: damage there fails opening the range
            }
        }

        /** Reads chunk {@code i} from the source and decrypts it into {@link #plainChunk}. */
        private void load(long i) {
            int c = 1 << shift;
            long first = i << shift;
            int plainLen = (int) Math.min(c, size - first);
            int sealedLen = plainLen + SealedLayout.TAG_BYTES;
            plainIndex = -1;
            try {
                readFully(source, ByteBuffer.wrap(sealedChunk, 0, sealedLen),
                        SealedLayout.HEADER_BYTES + i * (c + SealedLayout.TAG_BYTES), what);
                plainLength = SealedLayout.decrypt(dataKey, prefix, context, i, i == chunks - 1, sealedChunk, 0,
                        sealedLen, plainChunk);
            } catch (DataCorruptionException e) {
                throw logged(what, e);
            }
            plainIndex = i;
        }

        @Override
        public int read(ByteBuffer dst) {
            if (pos >= end) {
                return -1;
            }
            if (failed != null) {
                throw failed;
            }
            int written = 0;
            while (pos < end && dst.hasRemaining()) {
                long i = pos >>> shift;
                if (i != plainIndex) {
                    try {
                        load(i);
                    } catch (DataCorruptionException e) {
                        if (written == 0) {
                            throw e;
                        }
                        // the sound chunks already in dst go out first; the next call fails
                        failed = e;
                        return written;
                    }
                }
                long chunkStart = i << shift;
                int from = (int) (pos - chunkStart);
                int to = (int) Math.min(plainLength, end - chunkStart);
                int n = Math.min(to - from, dst.remaining());
                dst.put(plainChunk, from, n);
                pos += n;
                written += n;
            }
            return written;
        }

        @Override
        public long length() {
            return length;
        }

        @Override
        public ByteBuffer next() {
            if (pos >= end) {
                return null;
            }
            long chunkStart = (pos >>> shift) << shift;
            ByteBuffer out = ByteBuffer.allocate((int) (Math.min(chunkStart + (1L << shift), end) - pos));
            read(out);
            return out.flip();
        }
    }
}
