package dev.dualkey.storage.checksum;

import dev.dualkey.storage.model.ChecksumAlgorithm;

/**
 * Combines the CRCs of two adjacent byte sequences into the CRC of their concatenation without reading the bytes
 * again: {@code crc(A || B) = combine(crc(A), crc(B), length(B))}. This is how a FULL_OBJECT checksum of a
 * multipart upload is derived from its parts' CRCs (S3 does the same: "full object checksums ... calculated by
 * combining the part checksums", CRC32, CRC32C and CRC64NVME only, since SHA digests cannot be combined).
 *
 * <p>Method: zlib's {@code crc32_combine}, generalised to the width of the CRC. Appending {@code n} zero bits to
 * a message is a linear map over GF(2) on the CRC register; the operator for one zero bit is built from the
 * reflected polynomial, then squared repeatedly (2, 4, 8, ... zero bits) and applied for each set bit of
 * {@code 8 * length(B)}. The pre- and post-conditioning (init and final XOR all ones, which all three algorithms
 * use) cancel out in {@code crc1' ^ crc2}. O(width^2 * log(length)) per combination, independent of the data size.
 */
public final class CrcCombine {
    private CrcCombine() {
    }

    /** True for the algorithms whose checksums can be combined (the CRCs). */
    public static boolean combinable(ChecksumAlgorithm a) {
        return a == ChecksumAlgorithm.CRC32 || a == ChecksumAlgorithm.CRC32C || a == ChecksumAlgorithm.CRC64NVME;
    }

    /**
     * @param crc1 CRC of the first sequence (as {@link java.util.zip.Checksum#getValue()} returns it)
     * @param crc2 CRC of the second sequence
     * @param len2 length of the second sequence in bytes
     * @return the CRC of the concatenation
     */
    public static long combine(ChecksumAlgorithm a, long crc1, long crc2, long len2) {
        return switch (a) {
            case CRC32 -> combine(0xEDB88320L, 32, crc1, crc2, len2);
            case CRC32C -> combine(0x82F63B78L, 32, crc1, crc2, len2);
            case CRC64NVME -> combine(0x9A6C9329AC4BC9B5L, 64, crc1, crc2, len2);
            default -> throw new IllegalArgumentException(a + " checksums cannot be combined");
        };
    }

    static long combine(long reflectedPoly, int width, long crc1, long crc2, long len2) {
        if (len2 <= 0) {
            return crc1;
        }
        long mask = width == 64 ? -1L : (1L << width) - 1;
        long[] even = new long[width];
        long[] odd = new long[width];
        odd[0] = reflectedPoly; // operator for one zero bit
        long row = 1;
        for (int n = 1; n < width; n++) {
            odd[n] = row;
            row <<= 1;
        }
        square(even, odd); // two zero bits
        square(odd, even); // four zero bits
        long c1 = crc1 & mask;
        long len = len2;
        do {
            square(even, odd); // first pass: one zero byte
            if ((len & 1) != 0) {
                c1 = times(even, c1);
            }
            len >>>= 1;
            if (len == 0) {
                break;
            }
            square(odd, even);
            if ((len & 1) != 0) {
                c1 = times(odd, c1);
            }
            len >>>= 1;
        } while (len != 0);
        return (c1 ^ crc2) & mask;
    }

    private static long times(long[] mat, long vec) {
        long sum = 0;
        int i = 0;
        while (vec != 0) {
            if ((vec & 1) != 0) {
                sum ^= mat[i];
            }
            vec >>>= 1;
            i++;
        }
        return sum;
    }

    private static void square(long[] square, long[] mat) {
        for (int n = 0; n < mat.length; n++) {
            square[n] = times(mat, mat[n]);
        }
    }
}
