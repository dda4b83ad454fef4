package dev.dualkey.storage.crypto;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.function.Consumer;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts a body into the {@link SealedLayout} as its bytes arrive. Memory: one plaintext chunk and one
 * ciphertext chunk (2 x 64 KiB) whatever the body size. A full chunk is encrypted only once more bytes arrive (or
 * at {@link #finish}), because only then is it known whether it is the final one. Single-threaded use.
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

    /**
     * @param keys    wraps the fresh data key
     * @param context where the bytes belong ({@link SealedLayout#blobContext}, {@link SealedLayout#inlineContext})
     */
    private Sealer(KeyWrapper keys, byte[] context) {
        this.context = context.clone();
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        this.dataKey = new SecretKeySpec(key, "AES");
        this.prefix = RANDOM.nextInt();
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
    }

    private Sealer(Sealer keysOnly, int chunk) {
        this.context = keysOnly.context;
        this.dataKey = keysOnly.dataKey;
        this.prefix = keysOnly.prefix;
        this.header = keysOnly.header;
        this.plain = new byte[chunk];
        this.sealed = new byte[chunk + SealedLayout.TAG_BYTES];
    }

    /**
     * A streaming sealer: one 64 KiB plaintext and one sealed chunk buffer (only streams need them; {@link #sealAll}
     * encrypts straight from the body into its result).
     */
    public static Sealer streaming(KeyWrapper keys, byte[] context) {
        return new Sealer(new Sealer(keys, context), 1 << SealedLayout.CHUNK_SHIFT);
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

    /** Consumes {@code src}, handing each completed non-final sealed chunk to {@code out} (valid during the call). */
    public void write(ByteBuffer src, Consumer<ByteBuffer> out) {
        if (finished) {
            throw new IllegalStateException("sealer finished");
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

    /** Seals the final chunk (maybe empty when the body is) and hands it to {@code out}. */
    public void finish(Consumer<ByteBuffer> out) {
        if (finished) {
            throw new IllegalStateException("sealer finished");
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
