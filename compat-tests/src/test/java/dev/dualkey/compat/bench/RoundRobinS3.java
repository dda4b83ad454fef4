package dev.dualkey.compat.bench;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.CreateBucketRequest;
import software.amazon.awssdk.services.s3.model.CreateBucketResponse;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.GetBucketVersioningRequest;
import software.amazon.awssdk.services.s3.model.GetBucketVersioningResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsRequest;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.PutBucketVersioningRequest;
import software.amazon.awssdk.services.s3.model.PutBucketVersioningResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * The load generator's client of a cluster: each request goes to the next of several SDK clients, one per gateway
 * (round robin), as an ordinary load balancer in front of identical gateways would spread them; no TCP proxy in
 * the path to cost CPU of its own. Only the operations of the cluster rows are spread (PUT, GET, HEAD, DELETE of
 * objects, and their set-up: buckets, versioning, version listings); any other operation is the SDK's
 * UnsupportedOperationException. The consumer-builder variants ({@code putObject(b -> ...)}) are the interface's
 * default methods, which build the request and call these.
 */
final class RoundRobinS3 implements S3AsyncClient {
    private final List<S3AsyncClient> clients;
    private final AtomicLong next = new AtomicLong();

    RoundRobinS3(List<S3AsyncClient> clients) {
        if (clients.isEmpty()) {
            throw new IllegalArgumentException("no client");
        }
        this.clients = List.copyOf(clients);
    }

    private S3AsyncClient pick() {
        return clients.get((int) Math.floorMod(next.getAndIncrement(), (long) clients.size()));
    }

    @Override
    public CompletableFuture<PutObjectResponse> putObject(PutObjectRequest request, AsyncRequestBody body) {
        return pick().putObject(request, body);
    }

    @Override
    public <T> CompletableFuture<T> getObject(GetObjectRequest request,
                                              AsyncResponseTransformer<GetObjectResponse, T> transformer) {
        return pick().getObject(request, transformer);
    }

    @Override
    public CompletableFuture<HeadObjectResponse> headObject(HeadObjectRequest request) {
        return pick().headObject(request);
    }

    @Override
    public CompletableFuture<DeleteObjectResponse> deleteObject(DeleteObjectRequest request) {
        return pick().deleteObject(request);
    }

    @Override
    public CompletableFuture<CreateBucketResponse> createBucket(CreateBucketRequest request) {
        return pick().createBucket(request);
    }

    @Override
    public CompletableFuture<PutBucketVersioningResponse> putBucketVersioning(PutBucketVersioningRequest request) {
        return pick().putBucketVersioning(request);
    }

    @Override
    public CompletableFuture<GetBucketVersioningResponse> getBucketVersioning(GetBucketVersioningRequest request) {
        return pick().getBucketVersioning(request);
    }

    @Override
    public CompletableFuture<ListObjectVersionsResponse> listObjectVersions(ListObjectVersionsRequest request) {
        return pick().listObjectVersions(request);
    }

    @Override
    public String serviceName() {
        return SERVICE_NAME;
    }

    @Override
    public void close() {
        clients.forEach(S3AsyncClient::close);
    }
}
