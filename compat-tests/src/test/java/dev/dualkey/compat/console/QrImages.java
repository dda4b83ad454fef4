package dev.dualkey.compat.console;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;

import javax.imageio.ImageIO;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.NotFoundException;
import com.google.zxing.ChecksumException;
import com.google.zxing.FormatException;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;

/** Decodes the QR code a page shows as a {@code data:image/png;base64,...} image, the way a phone would. */
final class QrImages {
    private QrImages() {
    }

    static String decodeDataUrl(String src) {
        String prefix = "data:image/png;base64,";
        if (!src.startsWith(prefix)) {
            throw new AssertionError("QR image is not an inline PNG: " + src.substring(0, Math.min(40, src.length())));
        }
        return decodePng(Base64.getDecoder().decode(src.substring(prefix.length())));
    }

    static String decodePng(byte[] png) {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
            BinaryBitmap bitmap = new BinaryBitmap(new HybridBinarizer(new BufferedImageLuminanceSource(image)));
            // the image is a generated barcode (the PNG bytes from the page): decode it as one, as ZXing's
            // finder-pattern search alone misreads a small share of random payloads
            return new QRCodeReader().decode(bitmap,
                    java.util.Map.of(com.google.zxing.DecodeHintType.PURE_BARCODE, Boolean.TRUE)).getText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NotFoundException | ChecksumException | FormatException e) {
            throw new AssertionError("the page's QR code does not decode", e);
        }
    }

    /** The {@code secret} parameter of an {@code otpauth://totp/...} URI. */
    static String secretOf(String otpauthUri) {
        if (!otpauthUri.startsWith("otpauth://totp/")) {
            throw new AssertionError("not a TOTP key URI: " + otpauthUri);
        }
        String query = otpauthUri.substring(otpauthUri.indexOf('?') + 1);
        for (String p : query.split("&")) {
            if (p.startsWith("secret=")) {
                return p.substring("secret=".length());
            }
        }
        throw new AssertionError("no secret in " + otpauthUri);
    }
}
