/**
 * Cluster mode's object store: {@link dev.dualkey.gateway.upstream.UpstreamObjectStore}, an
 * {@link dev.dualkey.storage.ObjectStore} whose object data lives in an existing S3 service (Ceph RGW, MinIO, Amazon
 * S3; tested against moto), reached with the AWS SDK v2 sync client on the Apache HTTP client, and whose version
 * index lives in {@link dev.dualkey.storage.shared.SharedKv} (etcd in cluster mode, memory for one gateway).
 *
 * <h2>What lives where</h2>
 * <ul>
 *   <li><b>Upstream</b>: one bucket per Dualkey bucket, named {@code prefix + name}, versioning Enabled from its
 *       creation and never changed. Every Dualkey version and delete marker is one upstream version (upstream
 *       delete markers included), created under the same object key; its upstream version id is the id clients
 *       see, except for the {@code null} version, which S3 semantics make a Dualkey notion (the upstream bucket is
 *       never unversioned or suspended, so nothing there is ever overwritten in place): the index maps
 *       {@code "null"} to the upstream version holding it. Client multipart uploads are upstream multipart uploads
 *       (same upload id, same part numbers).</li>
 *   <li><b>Index</b> (layouts in {@link dev.dualkey.gateway.upstream.StateKeys} and
 *       {@link dev.dualkey.gateway.upstream.Records}): the bucket records (owner, region, creation date and the
 *       whole {@link dev.dualkey.storage.model.BucketConfig}: versioning, MFA Delete, policy, every sub-resource),
 *       one record per object key listing its versions newest first with everything Dualkey knows about each
 *       (metadata as written, ETag = MD5, flexible checksums, owner, part layout, and what may change after the
 *       write: tags, retention, legal hold, ACL and other gateway attributes), and one record per multipart upload
 *       with its parts (MD5, size, checksums).</li>
 * </ul>
 *
 * <h2>Why the per-version metadata is in the index, not on the upstream object</h2>
 * An upstream object's user metadata cannot change after the write (only a copy can, which makes a new version),
 * is limited to 2 KiB in total (the client's own {@code x-amz-meta-*} may already use it), and comes back as an
 * unordered map; object tags are limited to 10 and cannot express retention. Tags, retention (extend) and legal
 * hold change after the write through {@code updateObjectMetadata}, atomically with the deletes they guard. So they
 * must live where a compare-and-set can cover both the change and the delete: the key's index record.
 *
 * <h2>The consistency argument</h2>
 * <ol>
 *   <li><b>The index decides what exists.</b> An upstream version that no index record names is invisible: GETs,
 *       HEADs and listings read the index and then fetch data by upstream version id only, never "the latest".</li>
 *  *   <li><b>Data first, index second.</b> A PUT's body passes through to the upstream as it arrives
 *       ({@link dev.dualkey.gateway.upstream.UpstreamBodyWriter}, {@link dev.dualkey.gateway.upstream.BodyPipe}:
 *       bounded memory, back-pressure to the client), but the upstream request's last byte is held back until
 *       length, Content-MD5, checksums and payload hash are verified: only a verified body can become an upstream
 *       version (a refused or abandoned one is cut off mid-request). Then one index transaction publishes it. A
 *       crash between leaves an invisible upstream version (space, not a visible partial object, removed by the
 *       {@link dev.dualkey.gateway.upstream.OrphanSweeper}); a refused publish removes it at once, and so does a
 *       publish later than {@code PUBLISH_DEADLINE} after the write (so the sweeper never races a publish).</li>
  <li><b>One transaction per change, comparing what it read.</b> Every publish, delete and metadata update reads
 *       the bucket record and the key record, makes its checks (MFA Delete's precondition, D9's publish check,
 *       Object Lock by the store's clock, If-Match / If-None-Match) and commits with compares of both records
 *       against what it read. A configuration change (versioning, MFA Delete) rewrites the bucket record, so no delete
 *       checked against the old configuration can commit after it, on any gateway: this is the
 *       cross-gateway form of the RocksDB store's bucket read lock. A lost race repeats the whole decision,
 *       checks included; within one gateway the store's {@link dev.dualkey.storage.lock.LockManager} serializes
 *       writers of a key so that races happen only between gateways, and repeating a check there fails safe (an
 *       MFA code already spent is refused).</li>
 *   <li><b>Removal upstream comes after the index.</b> A version deleted (or a null version replaced) leaves the
 *       index first, then the gateway removes it upstream (after its last local reader closes: readers are
 *       pinned as the RocksDB store pins blobs). A crash between leaves an invisible upstream version.</li>
 * </ol>
 * Multipart completion checks before the upstream completion (a refusal leaves the upload usable, as the contract
 * requires), completes upstream, then publishes with a compare on the upload record too. If another gateway changed
 * the key between the two, the checks run again against the completed version and a refusal then discards it and
 * the upload with it (the client restarts the upload): stated, rare, and safe.
 *
 * <h2>Limits of this version</h2>
 * <ul>
 *   <li>Bodies pass through (no whole object buffered, no temp file) when their length is declared before the
 *       first byte, as PutObject and UploadPart always do: at most {@code BodyPipe.CAPACITY} (256 KiB) in flight per
 *       upload. Above the multipart threshold the body goes upstream as a multipart upload of {@code partSize} parts
 *       read one after another from the same pipe (a PutObject is limited to 5 GiB). A body of unknown length (a
 *       browser POST form) is staged in a temp file ({@link dev.dualkey.gateway.upstream.Spool}) until verified.
 *       A pass-through body cannot be retried by the HTTP client: an upstream failure fails the request (SlowDown),
 *       and the client retries it. One sending thread per body in flight.</li>
 *   <li>Copy and UploadPartCopy copy inside the upstream (CopyObject; UploadPartCopy ranges above the threshold)
 *       when the new record needs nothing read from the bytes (its ETag and checksums are the source's, or the
 *       upstream's ETag is an MD5 by S3's rule); otherwise they stream through the gateway. Upstream mode keeps no
 *       gateway-encrypted data, so no copy needs a decrypt/encrypt transform.</li>
 *   <li>A key's versions are one index record, capped at 512 KiB ({@code KEY_RECORD_LIMIT}: a commit carries the
 *       record twice, and etcd refuses requests above 1.5 MiB by default): about 2,400 versions without metadata,
 *       85 with the largest. A write that would grow a record past it is refused with 400 InvalidArgument (a
 *       multipart completion before the upstream completion, so the upload stays usable); deletes always pass
 *       ({@code ManyVersionsTest}; SECURITY.md U10). An upload's parts are one index entry each, so uploads of
 *       10,000 parts work ({@code ManyPartsTest}).</li>
 *   <li>Orphan upstream versions and uploads are removed by the {@link dev.dualkey.gateway.upstream.OrphanSweeper}
 *       once unreferenced for its grace period ({@code serve --orphan-grace}: 1 hour by default, at least 30
 *       minutes; {@code dualkey admin sweep-orphans} runs a pass now); until then they cost space. Part entries of
 *       an upload whose clean-up was interrupted (index only, never read again) go at the sweeper's next pass.</li>
 *   <li>A DeleteBucket interrupted between its steps leaves the bucket marked deleting; five minutes later the next
 *       request naming it settles it ({@code UpstreamObjectStore.settle}: rolled back if not empty, else
 *       finished).</li>
 *   <li>A reader on another gateway is not pinned: its next ranged GET of a version deleted meanwhile fails.</li>
 *   <li>Upstream version ids must be UUIDs (MinIO, moto) or 32 URL-safe characters (Amazon S3, Ceph RGW): other ids
 *       are answered InvalidArgument, as S3 answers a malformed version id.</li>
 *   <li>No SSE-S3 / SSE-C at the gateway ({@code encryptAtRest} refuses): use the upstream's own encryption.</li>
 *   <li>{@code serve --upstream} keeps the index in the data directory ({@link dev.dualkey.storage.shared.RocksKv}):
 *       one gateway. With {@code --state etcd://...} too (cluster mode) the index is in etcd,
 *       {@link dev.dualkey.storage.shared.KvSharedKv} mapping each call onto the {@code KvStore} (one etcd
 *       {@code Txn} per commit), so every gateway sees the same buckets, configuration, keys, versions and uploads;
 *       {@code TwoGatewaysTest} shows the argument over a shared {@link dev.dualkey.storage.shared.MemoryKv}, gateway
 *       {@code e2e.ClusterUpstreamGatewaysTest} and compat {@code cluster.ClusterKillTest} over etcd and moto.
 *       Pins stay per gateway (above).</li>
 *   <li>An index commit that etcd did not answer in time may still be applied when etcd returns: the store then
 *       keeps the body it uploaded (at worst an invisible orphan) instead of removing it
 *       ({@code UnknownPublishOutcomeTest}); the client saw 503 and may find the version listed.</li>
 * </ul>
 *
 * <h2>Who may touch the upstream</h2>
 * Only the gateways hold upstream credentials. The README gives the upstream bucket policy that denies every other
 * principal {@code s3:DeleteObjectVersion}, {@code s3:PutBucketVersioning}, lifecycle changes and the rest, so that
 * Dualkey's MFA Delete gate stays the only path to a permanent delete. Whoever holds the gateway's upstream
 * credentials can delete any version upstream: SECURITY.md states this trust boundary.
 */
package dev.dualkey.gateway.upstream;
