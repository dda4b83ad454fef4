package dev.dualkey.storage.rocks;

import dev.dualkey.storage.DataSegment;
import dev.dualkey.storage.ObjectReader;
import dev.dualkey.storage.blob.BlobStore;
import dev.dualkey.storage.crypto.KeyWrapper;
import dev.dualkey.storage.crypto.SealedLayout;
import dev.dualkey.storage.crypto.SealedReader;
import dev.dualkey.storage.error.StorageIoException;
import dev.dualkey.storage.model.ObjectVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reader over one version. Inline bytes were copied at open (at most the inline threshold); blob ids were pinned
 * at open so they are not unlinked before {@link #close()}; channels open lazily and are cached. Encrypted blobs
 * (id suffix {@link SealedLayout#BLOB_ID_SUFFIX}) are served as {@link DataSegment.Decrypted} segments, their
 * headers read and data keys unwrapped once per reader; sealed inline values arrive here already decrypted.
 */
final class RocksObjectReader implements ObjectReader {
    private final ObjectVersion version;
    /** Plaintext inline bytes; for a sealed inline value set on first read from {@link #sealedInline}. */
    private byte[] inline;
    private byte[] sealedInline;
    private byte[] inlineContext;
    private final List<StoreRecords.ManifestEntry> blobs;
    private final long[] offsets;
    private final BlobStore blobStore;
    private final List<String> pinned;
    private final Map<String, FileChannel> channels = new HashMap<>();
    private final Map<String, SealedReader> sealed = new HashMap<>();
    private final KeyWrapper keys;
    private boolean closed;

    /** Either {@code inline} (non-null, plaintext) or {@code blobs} (entries in order, already pinned). */
    RocksObjectReader(ObjectVersion version, byte[] inline, List<StoreRecords.ManifestEntry> blobs,
                      BlobStore blobStore, KeyWrapper keys) {
        this.keys = keys;
        this.version = version;
        this.inline = inline;
        this.blobs = blobs == null ? List.of() : blobs;
        this.blobStore = blobStore;
        this.offsets = new long[this.blobs.size() + 1];
        for (int i = 0; i < this.blobs.size(); i++) {
            offsets[i + 1] = offsets[i] + this.blobs.get(i).size();
        }
        this.pinned = new ArrayList<>();
        for (StoreRecords.ManifestEntry e : this.blobs) {
            pinned.add(e.blobId());
        }
    }

    @Override
    public ObjectVersion version() {
        return version;
    }

    @Override
    public synchronized List<DataSegment> read(long offset, long length) {
        if (closed) {
            throw new IllegalStateException("reader closed");
        }
        if (offset < 0 || length < 0 || offset + length > version.size()) {
            throw new IllegalArgumentException("range [" + offset + ", +" + length + ") outside object of "
                    + version.size() + " bytes");
        }
        List<DataSegment> out = new ArrayList<>();
        if (length == 0) {
            return out;
        }
        if (sealedInline != null) {
            openSealedInline();
        }
        if (inline != null) {
            out.add(new DataSegment.Inline(ByteBuffer.wrap(inline, (int) offset, (int) length).slice()
                    .asReadOnlyBuffer()));
            return out;
        }
        int i = firstEntry(offset);
        long pos = offset;
        long end = offset + length;
        while (pos < end) {
            StoreRecords.ManifestEntry e = blobs.get(i);
            long inEntry = pos - offsets[i];
            long n = Math.min(e.size() - inEntry, end - pos);
            if (n > 0) {
                if (SealedLayout.isSealedBlob(e.blobId())) {
                    out.add(new DataSegment.Decrypted(sealedReader(e).range(inEntry, n)));
                } else {
                    out.add(new DataSegment.FileRegion(channel(e.blobId()), inEntry, n));
                }
            }
            pos += n;
            i++;
        }
        return out;
    }

    private int firstEntry(long offset) {
        int lo = 0;
        int hi = blobs.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (offsets[mid] <= offset) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    private FileChannel channel(String blobId) {
        return channels.computeIfAbsent(blobId, blobStore::open);
    }

    private SealedReader sealedReader(StoreRecords.ManifestEntry e) {
        SealedReader r = sealed.get(e.blobId());
        if (r == null) {
            FileChannel ch = channel(e.blobId());
            long stored;
            try {
                stored = ch.size();
            } catch (IOException ex) {
                throw new StorageIoException("cannot read blob " + e.blobId() + ": " + ex.getMessage(), ex);
            }
            r = SealedReader.open(keys, SealedLayout.blobContext(e.blobId()), e.size(), ch::read, stored,
                    describe(version, "blob " + e.blobId()));
            sealed.put(e.blobId(), r);
        }
        return r;
    }

    /** A reader over a sealed inline value, decrypted on first read (after the caller checked the version). */
    static RocksObjectReader sealedInline(ObjectVersion v, byte[] sealed, byte[] context, BlobStore blobStore,
                                          KeyWrapper keys) {
        RocksObjectReader r = new RocksObjectReader(v, null, null, blobStore, keys);
        r.sealedInline = sealed;
        r.inlineContext = context;
        return r;
    }

    private void openSealedInline() {
        byte[] sealedBytes = sealedInline;
        inline = SealedReader.open(keys, inlineContext, version.size(), SealedReader.Source.of(sealedBytes),
                sealedBytes.length, describe(version, "inline")).readAll();
        sealedInline = null;
    }

    /** Names a version's data in integrity logs and errors: bucket, key, version id, where; never data. */
    static String describe(ObjectVersion v, String where) {
        return "bucket=" + v.bucket() + " key=" + v.key() + " version=" + v.versionId() + " " + where;
    }

    @Override
    public InputStream openStream(long offset, long length) {
        List<DataSegment> segments = read(offset, length);
        return new SegmentInputStream(segments);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (FileChannel ch : channels.values()) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // read-only channel; nothing to lose
            }
        }
        channels.clear();
        sealed.clear();
        blobStore.unpin(pinned);
    }

    /** Streams segments in order with positional reads (no shared channel position). */
    private static final class SegmentInputStream extends InputStream {
        private final List<DataSegment> segments;
        private int index;
        private long done;

        SegmentInputStream(List<DataSegment> segments) {
            this.segments = segments;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            while (index < segments.size() && done >= segments.get(index).length()) {
                index++;
                done = 0;
            }
            if (index >= segments.size()) {
                return -1;
            }
            DataSegment s = segments.get(index);
            int n = (int) Math.min(len, s.length() - done);
            if (s instanceof DataSegment.Decrypted d) {
                n = d.chunks().read(ByteBuffer.wrap(b, off, n));
                if (n <= 0) {
                    throw new StorageIoException("decrypted data shorter than its metadata says");
                }
            } else if (s instanceof DataSegment.Inline in) {
                ByteBuffer src = in.bytes().duplicate();
                src.position(src.position() + (int) done);
                src.get(b, off, n);
            } else {
                DataSegment.FileRegion fr = (DataSegment.FileRegion) s;
                ByteBuffer dst = ByteBuffer.wrap(b, off, n);
                int r = fr.channel().read(dst, fr.position() + done);
                if (r <= 0) {
                    throw new StorageIoException("blob shorter than its metadata says");
                }
                n = r;
            }
            done += n;
            return n;
        }
    }
}
