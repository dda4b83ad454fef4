package dev.dualkey.storage.model;

import java.util.List;

/**
 * One page of ListMultipartUploads, by key then initiation order.
 *
 * @param uploads            uploads
 * @param commonPrefixes     rolled-up prefixes when a delimiter was given
 * @param truncated          more follow
 * @param nextKeyMarker      key marker for the next page when truncated
 * @param nextUploadIdMarker upload id marker for the next page when truncated
 */
public record ListUploadsPage(List<MultipartUpload> uploads, List<String> commonPrefixes, boolean truncated,
                              String nextKeyMarker, String nextUploadIdMarker) {
    public ListUploadsPage {
        uploads = List.copyOf(uploads);
        commonPrefixes = List.copyOf(commonPrefixes);
    }
}
