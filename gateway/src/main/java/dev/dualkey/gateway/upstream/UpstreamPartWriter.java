package dev.dualkey.gateway.upstream;

import dev.dualkey.storage.Expectations;
import dev.dualkey.storage.PartWriter;
import dev.dualkey.storage.model.ChecksumAlgorithm;
import dev.dualkey.storage.model.PartInfo;
import java.nio.ByteBuffer;
import java.util.Optional;

/** UploadPart into the upstream store: a {@link SpoolWriter} whose publish uploads one upstream part. */
final class UpstreamPartWriter implements PartWriter {
    private final SpoolWriter<PartInfo> body;

    UpstreamPartWriter(SpoolWriter<PartInfo> body) {
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
    public PartInfo commit(Expectations expected) {
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
