package dev.dualkey.storage.crypto;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.function.Consumer;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts a body into the {@link SealedLayout} as its bytes arrive. Two modes:
 * <ul>
 * <li>length unknown ({@link #streaming(KeyWrapper, byte[])}): one plaintext chunk and one ciphertext chunk
 * (2 x 64 KiB) whatever the body size; a full chunk is encrypted only once more bytes arrive (or at {@link #finish}),
 * because only then is it known whether it is the final one (its "final" byte is in the AAD, which GCM takes before
 * any data).</li>
 * <li>length declared ({@link #streaming(KeyWrapper, byte[], long)}): which chunk is final is known from the start, so
 * each piece is encrypted straight from the caller's array as it arrives (GCM update; the tag at the chunk's end),
 * with no plaintext copy: one ciphertext chunk of memory. Issue 19: the copy into the plaintext chunk was a pass over
 * every byte of a large upload on the writer's thread. Bytes beyond the declared length are not sealed (the writer's
 * commit rejects a body whose length differs from its declaration), and {@link #finish} refuses a short body.</li>
 * <li>whole, length declared ({@link #whole(KeyWrapper, byte[], int)}): as the known-length mode, but every chunk
 * is sealed into one array holding the header and all chunks, the stored value {@link #sealAll} would return
 * ({@link #sealed()}). Issue 19: an inline body (up to the inline threshold, e.g. a 64 KiB PUT) was copied whole into a
 * plaintext array (allocated and zeroed per PUT), digested from it and only then read a second time by
 * {@link #sealAll}; sealed as it arrives, each piece is encrypted while it is still in the cache the digests just
 * read it through, and the plaintext array is gone.</li>
 * </ul>
 * The sealed bytes are the same in all modes. Single-threaded use (one thread at a time).
 */
public final class Sealer {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final byte[] context;
    private final SecretKey dataKey;
    private final int prefix;
    private final byte[] header;
    private final byte[] plain;
    private final byte[] sealed;
    private int buffered;
    private long index;
    private boolean finished;
    /** Known-length mode: the declared plaintext length, else -1. */
    private final long length;
    /** Known-length mode: the cipher of the chunk being sealed (started: {@link #inChunk} counts its bytes). */
    private final javax.crypto.Cipher cipher;
    private boolean started;
    private int inChunk;
    private int sealedBytes;
    private long seen;
    private boolean overrun;
    /**
     * Whole mode: where the current chunk's ciphertext starts in {@link #sealed} (the whole value); 0 in the
     * streaming modes, whose {@link #sealed} is one chunk.
     */
    private int base;
    private final boolean whole;

    /**
     * @param keys    wraps the fresh data key
     * @param context where the bytes belong ({@link SealedLayout#blobContext}, {@link SealedLayout#inlineContext})
     */
    private Sealer(KeyWrapper keys, byte[] context) {
        this.context = context.clone();
        // the data key and the nonce prefix from one call: each call to the default (NativePRNG) generator takes its
        // lock and mixes /dev/urandom bytes with a SHA1PRNG's, a fixed cost of every sealed PUT (issue 19)
        byte[] fresh = new byte[36];
        RANDOM.nextBytes(fresh);
        byte[] key = Arrays.copyOf(fresh, 32);
        this.dataKey = new SecretKeySpec(key, "AES");
        this.prefix = ByteBuffer.wrap(fresh, 32, 4).getInt();
        Arrays.fill(fresh, (byte) 0);
        ByteBuffer h = ByteBuffer.allocate(SealedLayout.HEADER_BYTES);
        h.put(SealedLayout.MAGIC).put((byte) SealedLayout.VERSION).put((byte) SealedLayout.CHUNK_SHIFT)
                .putShort((short) 0).putInt(prefix);
        byte[] head = h.array();
        byte[] wrapped = keys.wrap(key, SealedLayout.wrapAad(head, this.context));
        Arrays.fill(key, (byte) 0);
        System.arraycopy(wrapped, 0, head, 12, KeyWrapper.WRAPPED_BYTES);
        this.header = head;
        this.plain = null;
        this.sealed = null;
        this.length = -1;
        this.cipher = null;
        this.whole = false;
    }

    private Sealer(Sealer keysOnly, int chunk, long length, boolean whole) {
        this.context = keysOnly.context;
        this.dataKey = keysOnly.dataKey;
        this.prefix = keysOnly.prefix;
        this.header = keysOnly.header;
        this.plain = length < 0 ? new byte[chunk] : null;
        this.whole = whole;
        if (whole) {
            this.sealed = new byte[(int) SealedLayout.sealedLength(length, SealedLayout.CHUNK_SHIFT)];
            System.arraycopy(header, 0, sealed, 0, SealedLayout.HEADER_BYTES);
            this.base = SealedLayout.HEADER_BYTES;
        } else {
            this.sealed = new byte[chunk + SealedLayout.TAG_BYTES];
        }
        this.length = length;
        this.cipher = length < 0 ? null : takeCipher();
    }

    /**
     * Ciphers of finished known-length sealers, for the next one: {@code Cipher.getInstance} per sealed PUT (provider
     * lookup, a new GCM engine) was about 1% of a sealed 64 KiB PUT's store CPU once every inline body got a sealer of
     * its own (issue 19). A sealer's cipher cannot be the thread's ({@code SealedLayout.cipher()}): its body may be
     * fed from several threads in turn. At most {@link #POOL_MAX} are kept; a sealer that never finishes (aborted)
     * just drops its cipher. Every chunk re-initialises the cipher with its own key and nonce before use.
     */
    private static final java.util.concurrent.ConcurrentLinkedQueue<javax.crypto.Cipher> POOL =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    private static final java.util.concurrent.atomic.AtomicInteger POOLED =
            new java.util.concurrent.atomic.AtomicInteger();
    private static final int POOL_MAX = 64;

    private static javax.crypto.Cipher takeCipher() {
        javax.crypto.Cipher c = POOL.poll();
        if (c != null) {
            POOLED.decrementAndGet();
            return c;
        }
        return newCipher();
    }

    private static void giveCipher(javax.crypto.Cipher c) {
        if (POOLED.incrementAndGet() <= POOL_MAX) {
            POOL.offer(c);
        } else {
            POOLED.decrementAndGet();
        }
    }

    private static javax.crypto.Cipher newCipher() {
        try {
            return javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    /**
     * A streaming sealer: one 64 KiB plaintext and one sealed chunk buffer (only streams need them; {@link #sealAll}
     * encrypts straight from the body into its result).
     */
    public static Sealer streaming(KeyWrapper keys, byte[] context) {
        return new Sealer(new Sealer(keys, context), 1 << SealedLayout.CHUNK_SHIFT, -1, false);
    }

    /**
     * A streaming sealer for a body of {@code length} bytes (declared before the first byte): encrypts each piece as
     * it arrives, with one sealed chunk buffer and no plaintext copy ({@link #write(byte[], int, int, Consumer)}).
     */
    public static Sealer streaming(KeyWrapper keys, byte[] context, long length) {
        if (length < 0) {
            throw new IllegalArgumentException("negative length");
        }
        return new Sealer(new Sealer(keys, context), 1 << SealedLayout.CHUNK_SHIFT, length, false);
    }

    /**
     * A sealer of a whole (small) body of {@code length} bytes, fed in pieces ({@link #write(byte[], int, int,
     * Consumer)}, with a null consumer) as they arrive: after {@link #finish}, {@link #sealed()} is the stored value,
     * header and chunks, exactly as {@link #sealAll} would have built it from the whole plaintext. Memory: the
     * sealed value only ({@code HEADER_BYTES + length + 16} per 64 KiB chunk), no plaintext copy.
     */
    public static Sealer whole(KeyWrapper keys, byte[] context, int length) {
        if (length < 0) {
            throw new IllegalArgumentException("negative length");
        }
        return new Sealer(new Sealer(keys, context), 1 << SealedLayout.CHUNK_SHIFT, length, true);
    }

    /**
     * Whole mode: the sealed value (header and every chunk), once {@link #finish} succeeded.
     *
     * @throws IllegalStateException before a successful finish, or in the streaming modes
     */
    public byte[] sealed() {
        if (!whole || !finished) {
            throw new IllegalStateException("no whole sealed value");
        }
        return sealed;
    }

    /** Seals a whole (small) body at once: header and chunks in one array, no intermediate buffers. */
    public static byte[] sealAll(KeyWrapper keys, byte[] context, byte[] body, int off, int len) {
        Sealer s = new Sealer(keys, context);
        byte[] out = new byte[(int) SealedLayout.sealedLength(len, SealedLayout.CHUNK_SHIFT)];
        System.arraycopy(s.header, 0, out, 0, SealedLayout.HEADER_BYTES);
        int chunk = 1 << SealedLayout.CHUNK_SHIFT;
        long n = SealedLayout.chunkCount(len, SealedLayout.CHUNK_SHIFT);
        int pos = SealedLayout.HEADER_BYTES;
        for (long i = 0; i < n; i++) {
            int from = (int) (i * chunk);
            int plainLen = Math.min(chunk, len - from);
            pos += SealedLayout.encrypt(s.dataKey, s.prefix, s.context, i, i == n - 1, body, off + from, plainLen,
                    out, pos);
        }
        return out;
    }

    /** The header to write before the first chunk. */
    public byte[] header() {
        return header.clone();
    }

    /** Consumes {@code src}, handing each completed sealed chunk to {@code out} (valid during the call). */
    public void write(ByteBuffer src, Consumer<ByteBuffer> out) {
        if (finished) {
            throw new IllegalStateException("sealer finished");
        }
        if (length >= 0) {
            if (src.hasArray()) {
                write(src.array(), src.arrayOffset() + src.position(), src.remaining(), out);
                src.position(src.limit());
            } else {
                byte[] piece = new byte[Math.min(src.remaining(), SealedLayout.ENCRYPT_SLICE)];
                while (src.hasRemaining()) {
                    int n = Math.min(src.remaining(), piece.length);
                    src.get(piece, 0, n);
                    write(piece, 0, n, out);
                }
            }
            return;
        }
        while (src.hasRemaining()) {
            if (buffered == plain.length) {
                emit(false, out);
            }
            int n = Math.min(src.remaining(), plain.length - buffered);
            src.get(plain, buffered, n);
            buffered += n;
        }
    }

    /**
     * Known-length mode: encrypts {@code len} bytes of {@code b} straight into the sealed chunk (in slices of
     * {@link SealedLayout#ENCRYPT_SLICE}, for the JIT's GCM intrinsics), handing each completed sealed chunk to
     * {@code out} (valid during the call). Bytes beyond the declared length are dropped (see the class comment)
     * Whole mode: each chunk is sealed into the whole value in place; {@code out} is not called (may be null).
     */
    public void write(byte[] b, int off, int len, Consumer<ByteBuffer> out) {
        if (length < 0) {
            write(ByteBuffer.wrap(b, off, len), out);
            return;
        }
        if (finished) {
            throw new IllegalStateException("sealer finished");
        }
        if (len > length - seen) {
            overrun = true;
            len = (int) (length - seen);
        }
        int chunk = 1 << SealedLayout.CHUNK_SHIFT;
        try {
            while (len > 0) {
                if (!started) {
                    SealedLayout.startChunk(cipher, dataKey, prefix, context, index,
                            index == SealedLayout.chunkCount(length, SealedLayout.CHUNK_SHIFT) - 1);
                    started = true;
                }
                int n = Math.min(len, chunk - inChunk);
                for (int done = 0; done < n; ) {
                    int slice = Math.min(n - done, SealedLayout.ENCRYPT_SLICE);
                    sealedBytes += cipher.update(b, off + done, slice, sealed, base + sealedBytes);
                    done += slice;
                }
                off += n;
                len -= n;
                inChunk += n;
                seen += n;
                if (inChunk == chunk || seen == length) {
                    endChunk(out);
                }
            }
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    private void endChunk(Consumer<ByteBuffer> out) throws java.security.GeneralSecurityException {
        int n = sealedBytes + cipher.doFinal(sealed, base + sealedBytes);
        index++;
        started = false;
        inChunk = 0;
        sealedBytes = 0;
        if (whole) {
            base += n; // the next chunk follows in the same array
        } else {
            out.accept(ByteBuffer.wrap(sealed, 0, n));
        }
    }

    /**
     * Seals the final chunk (maybe empty when the body is) and hands it to {@code out}. Known-length mode: the
     * final chunk went out with the last declared byte (an empty body's here).
     *
     * @throws IllegalStateException in known-length mode when the bytes written differ from the declared length
     */
    public void finish(Consumer<ByteBuffer> out) {
        if (finished) {
            throw new IllegalStateException("sealer finished");
        }
        if (length >= 0) {
            if (overrun || seen != length) {
                throw new IllegalStateException("sealed " + seen + " bytes" + (overrun ? " and more" : "")
                        + " of a body declared as " + length);
            }
            if (length == 0) {
                SealedLayout.startChunk(cipher, dataKey, prefix, context, 0, true);
                try {
                    endChunk(out);
                } catch (java.security.GeneralSecurityException e) {
                    throw new IllegalStateException("AES-GCM encryption failed", e);
                }
            }
            finished = true;
            giveCipher(cipher); // no write after finish: the next sealer may take it
            return;
        }
        emit(true, out);
        finished = true;
        Arrays.fill(plain, (byte) 0);
    }

    private void emit(boolean last, Consumer<ByteBuffer> out) {
        int n = SealedLayout.encrypt(dataKey, prefix, context, index, last, plain, 0, buffered, sealed, 0);
        index++;
        buffered = 0;
        out.accept(ByteBuffer.wrap(sealed, 0, n));
    }
}
