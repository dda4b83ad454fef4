package dev.dualkey.storage.model;

import java.util.List;

/**
 * One page of ListParts, ascending part numbers.
 *
 * @param upload               the upload
 * @param parts                parts after the marker
 * @param truncated            more parts follow
 * @param nextPartNumberMarker last part number of this page (0 when empty)
 */
public record ListPartsPage(MultipartUpload upload, List<PartInfo> parts, boolean truncated,
                            int nextPartNumberMarker) {
    public ListPartsPage {
        parts = List.copyOf(parts);
    }
}
