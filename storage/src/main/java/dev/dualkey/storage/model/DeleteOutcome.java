package dev.dualkey.storage.model;

/**
 * What a DeleteObject did, for the response headers.
 *
 * @param versionId     {@code x-amz-version-id}: the version removed (delete with version id) or the delete marker
 *                      created (delete without version id in a versioned bucket); null when nothing is versioned
 *                      (unversioned bucket) 
 * @param deleteMarker  {@code x-amz-delete-marker: true}: a marker was created, or the version removed was a marker
 * @param markerCreated true when this call created a delete marker
 * @param existed       false when the addressed key or version did not exist (S3 still answers 204)
 */
public record DeleteOutcome(String versionId, boolean deleteMarker, boolean markerCreated, boolean existed) {
}
