package dev.dualkey.mfa.secret;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.client.j2se.MatrixToImageWriter;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/** Renders a text (the {@code otpauth://} URI) as a QR code PNG with ZXing. */
public final class QrCodes {
    /** Pixels per QR module: whole pixels keep the modules crisp for phone cameras and decoders alike. */
    private static final int PIXELS_PER_MODULE = 6;
    private static final Map<EncodeHintType, Object> HINTS = Map.of(
            EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M,
            EncodeHintType.MARGIN, 4,
            EncodeHintType.CHARACTER_SET, "UTF-8");

    private QrCodes() {
    }

    /**
     * A black-on-white PNG with the standard 4-module quiet zone, error correction level M, and exactly
     * {@value #PIXELS_PER_MODULE} pixels per module (a fractional scale blurs module edges and makes decoding
     * fail now and then for some URI lengths).
     */
    public static byte[] png(String text) {
        try {
            int modules = new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, 0, 0, HINTS).getWidth();
            int size = modules * PIXELS_PER_MODULE;
            BitMatrix matrix = new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, size, size, HINTS);
            ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
            MatrixToImageWriter.writeToStream(matrix, "PNG", out);
            return out.toByteArray();
        } catch (WriterException e) {
            throw new IllegalArgumentException("cannot encode QR code: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
