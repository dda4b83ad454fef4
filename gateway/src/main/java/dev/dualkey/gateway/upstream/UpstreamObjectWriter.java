package dev.dualkey.gateway.upstream;

import dev.dualkey.storage.Expectations;
import dev.dualkey.storage.ObjectWriter;
import dev.dualkey.storage.model.ChecksumAlgorithm;
import dev.dualkey.storage.model.ObjectVersion;
import java.nio.ByteBuffer;
import java.util.Optional;

/** PutObject into the upstream store: a {@link SpoolWriter} whose publish is the store's. */
final class UpstreamObjectWriter implements ObjectWriter {
    private final SpoolWriter<ObjectVersion> body;

    UpstreamObjectWriter(SpoolWriter<ObjectVersion> body) {
        this.body = body;
    }

    @Override
    public void write(ByteBuffer src) {
        body.write(src);
    }

    @Override
    public long bytesWritten() {
        return body.bytesWritten();
    }

    @Override
    public byte[] md5() {
        return body.md5();
    }

    @Override
    public byte[] sha256() {
        return body.sha256();
    }

    @Override
    public Optional<String> checksum(ChecksumAlgorithm algorithm) {
        return body.checksum(algorithm);
    }

    @Override
    public ObjectVersion commit(Expectations expected) {
        return body.commit(expected);
    }

    @Override
    public void abort() {
        body.abort();
    }

    @Override
    public void close() {
        body.close();
    }
}
