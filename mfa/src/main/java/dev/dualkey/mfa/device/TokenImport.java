package dev.dualkey.mfa.device;

import dev.dualkey.mfa.error.InvalidInputException;
import dev.dualkey.mfa.otp.Base32;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * Reads hardware TOTP tokens (serial + seed) from the files vendors ship.
 *
 * <ul>
 *   <li><b>PSKC</b> (RFC 6030): one {@code KeyPackage} per token; serial from {@code DeviceInfo/SerialNo}
 *   (else {@code Key/@Id}); secret either {@code Secret/PlainValue} (base64) or {@code Secret/EncryptedValue}
 *   under a pre-shared transport key (RFC 6030 6.1): AES-128-CBC with the IV prepended to the cipher value,
 *   authenticated by {@code ValueMAC} = HMAC-SHA1 over IV || ciphertext with the MAC key found, itself
 *   AES-CBC-encrypted under the transport key, in {@code MACMethod/MACKey}. Only TOTP keys are accepted, with
 *   6 digits and a 30 s interval when the file states them.</li>
 *   <li><b>CSV</b>: {@code serial,base32seed} per line; blank lines and lines starting with {@code #} are
 *   skipped, as is a header line starting with {@code serial}.</li>
 * </ul>
 * Parsing is all-or-nothing: any bad entry rejects the file with {@link InvalidInputException} naming the entry
 * (never the seed). External entities and DTDs are disabled.
 */
public final class TokenImport {
    private static final String PSKC_NS = "urn:ietf:params:xml:ns:keyprov:pskc";
    private static final String XENC_NS = "http://www.w3.org/2001/04/xmlenc#";
    private static final String TOTP_ALGORITHM = "urn:ietf:params:xml:ns:keyprov:pskc:totp";
    private static final String AES128_CBC = "http://www.w3.org/2001/04/xmlenc#aes128-cbc";
    private static final String HMAC_SHA1 = "http://www.w3.org/2000/09/xmldsig#hmac-sha1";
    private static final long MAX_FILE_BYTES = 16L << 20;

    private TokenImport() {
    }

    /** Reads {@code file}: PSKC when it starts with '<' (after whitespace/BOM), CSV otherwise. */
    public static List<ImportedToken> read(Path file, byte[] transportKey) {
        byte[] content;
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new InvalidInputException("Token file is larger than 16 MiB.");
            }
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new InvalidInputException("Cannot read token file " + file + ": " + e.getMessage());
        }
        String text = new String(content, StandardCharsets.UTF_8).replace("\uFEFF", "");
        return text.stripLeading().startsWith("<") ? parsePskc(content, transportKey) : parseCsv(text);
    }

    /** Parses CSV text of {@code serial,base32seed} lines. */
    public static List<ImportedToken> parseCsv(String text) {
        List<ImportedToken> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        String[] lines = text.split("\r?\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#") || (out.isEmpty() && line.toLowerCase().startsWith("serial"))) {
                continue;
            }
            String[] f = line.split(",", -1);
            if (f.length != 2) {
                throw new InvalidInputException("CSV line " + (i + 1) + ": expected serial,base32seed");
            }
            String serial = unquote(f[0]);
            byte[] seed;
            try {
                seed = Base32.decode(unquote(f[1]));
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("CSV line " + (i + 1) + ": seed is not Base32");
            }
            out.add(token(serial, seed, "CSV line " + (i + 1), seen));
        }
        return out;
    }

    /** Parses a PSKC document; {@code transportKey} may be null when all secrets are plain. */
    public static List<ImportedToken> parsePskc(byte[] xml, byte[] transportKey) {
        Document doc = parseXml(xml);
        Element root = doc.getDocumentElement();
        if (!PSKC_NS.equals(root.getNamespaceURI()) || !"KeyContainer".equals(root.getLocalName())) {
            throw new InvalidInputException("Not a PSKC KeyContainer document.");
        }
        byte[] macKey = macKey(root, transportKey);
        List<ImportedToken> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        NodeList packages = root.getElementsByTagNameNS(PSKC_NS, "KeyPackage");
        for (int i = 0; i < packages.getLength(); i++) {
            Element pkg = (Element) packages.item(i);
            String where = "KeyPackage " + (i + 1);
            Element key = child(pkg, PSKC_NS, "Key");
            if (key == null) {
                throw new InvalidInputException(where + ": no Key element");
            }
            if (!TOTP_ALGORITHM.equals(key.getAttribute("Algorithm"))) {
                throw new InvalidInputException(where + ": only TOTP keys can be imported");
            }
            checkParameters(key, where);
            Element info = child(pkg, PSKC_NS, "DeviceInfo");
            Element serialEl = info == null ? null : child(info, PSKC_NS, "SerialNo");
            String serial = serialEl != null ? serialEl.getTextContent().strip() : key.getAttribute("Id").strip();
            Element data = child(key, PSKC_NS, "Data");
            Element secret = data == null ? null : child(data, PSKC_NS, "Secret");
            if (secret == null) {
                throw new InvalidInputException(where + ": no Data/Secret");
            }
            out.add(token(serial, secretValue(secret, transportKey, macKey, where), where, seen));
        }
        if (out.isEmpty()) {
            throw new InvalidInputException("PSKC document contains no KeyPackage.");
        }
        return out;
    }

    private static void checkParameters(Element key, String where) {
        Element params = child(key, PSKC_NS, "AlgorithmParameters");
        Element fmt = params == null ? null : child(params, PSKC_NS, "ResponseFormat");
        if (fmt != null && !fmt.getAttribute("Length").isEmpty() && !fmt.getAttribute("Length").equals("6")) {
            throw new InvalidInputException(where + ": only 6-digit tokens are supported");
        }
        Element data = child(key, PSKC_NS, "Data");
        Element interval = data == null ? null : child(data, PSKC_NS, "TimeInterval");
        if (interval != null) {
            Element pv = child(interval, PSKC_NS, "PlainValue");
            if (pv != null && !pv.getTextContent().strip().equals("30")) {
                throw new InvalidInputException(where + ": only 30-second tokens are supported");
            }
        }
        Element time = data == null ? null : child(data, PSKC_NS, "Time");
        if (time != null) {
            Element pv = child(time, PSKC_NS, "PlainValue");
            if (pv != null && !pv.getTextContent().strip().equals("0")) {
                throw new InvalidInputException(where + ": only tokens with T0 = 0 are supported");
            }
        }
    }

    private static byte[] secretValue(Element secret, byte[] transportKey, byte[] macKey, String where) {
        Element plain = child(secret, PSKC_NS, "PlainValue");
        if (plain != null) {
            return base64(plain.getTextContent(), where);
        }
        Element enc = child(secret, PSKC_NS, "EncryptedValue");
        if (enc == null) {
            throw new InvalidInputException(where + ": Secret has neither PlainValue nor EncryptedValue");
        }
        if (transportKey == null) {
            throw new InvalidInputException(where + ": secret is encrypted; a transport key is required");
        }
        byte[] ivAndCt = cipherValue(enc, where);
        Element macEl = child(secret, PSKC_NS, "ValueMAC");
        if (macEl == null || macKey == null) {
            throw new InvalidInputException(where + ": encrypted secret without ValueMAC/MACKey");
        }
        byte[] expected = base64(macEl.getTextContent(), where);
        byte[] actual = hmacSha1(macKey, ivAndCt);
        if (!MessageDigest.isEqual(expected, actual)) {
            throw new InvalidInputException(where + ": ValueMAC does not verify (wrong transport key or altered)");
        }
        return aesCbcDecrypt(transportKey, ivAndCt, where);
    }

    private static byte[] macKey(Element root, byte[] transportKey) {
        Element method = child(root, PSKC_NS, "MACMethod");
        if (method == null) {
            return null;
        }
        if (!HMAC_SHA1.equals(method.getAttribute("Algorithm"))) {
            throw new InvalidInputException("Unsupported MACMethod " + method.getAttribute("Algorithm"));
        }
        if (transportKey == null) {
            throw new InvalidInputException("Secrets are encrypted; a transport key is required");
        }
        Element macKey = child(method, PSKC_NS, "MACKey");
        if (macKey == null) {
            throw new InvalidInputException("MACMethod without MACKey");
        }
        return aesCbcDecrypt(transportKey, cipherValue(macKey, "MACKey"), "MACKey");
    }

    private static byte[] cipherValue(Element encrypted, String where) {
        Element method = child(encrypted, XENC_NS, "EncryptionMethod");
        if (method == null || !AES128_CBC.equals(method.getAttribute("Algorithm"))) {
            throw new InvalidInputException(where + ": only aes128-cbc encryption is supported");
        }
        Element data = child(encrypted, XENC_NS, "CipherData");
        Element value = data == null ? null : child(data, XENC_NS, "CipherValue");
        if (value == null) {
            throw new InvalidInputException(where + ": no CipherData/CipherValue");
        }
        return base64(value.getTextContent(), where);
    }

    private static byte[] aesCbcDecrypt(byte[] key, byte[] ivAndCt, String where) {
        if (key.length != 16) {
            throw new InvalidInputException("The transport key must be 16 bytes (AES-128).");
        }
        if (ivAndCt.length < 32 || ivAndCt.length % 16 != 0) {
            throw new InvalidInputException(where + ": malformed AES-CBC cipher value");
        }
        try {
            Cipher c = Cipher.getInstance("AES/CBC/PKCS5Padding");
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"),
                    new IvParameterSpec(Arrays.copyOfRange(ivAndCt, 0, 16)));
            return c.doFinal(ivAndCt, 16, ivAndCt.length - 16);
        } catch (GeneralSecurityException e) {
            throw new InvalidInputException(where + ": cannot decrypt (wrong transport key?)");
        }
    }

    private static byte[] hmacSha1(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 unavailable", e);
        }
    }

    private static ImportedToken token(String serial, byte[] seed, String where, Set<String> seen) {
        if (!serial.matches("[\\w+=/:,.@-]{9,256}")) {
            throw new InvalidInputException(where + ": serial must be 9-256 characters of [\\w+=/:,.@-]");
        }
        if (serial.startsWith("arn:")) {
            throw new InvalidInputException(where + ": hardware serials must not look like ARNs");
        }
        if (seed.length < 10) {
            throw new InvalidInputException(where + ": seed shorter than 80 bits");
        }
        if (!seen.add(serial)) {
            throw new InvalidInputException(where + ": duplicate serial " + serial);
        }
        return new ImportedToken(serial, seed);
    }

    private static byte[] base64(String text, String where) {
        try {
            return Base64.getMimeDecoder().decode(text.strip());
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(where + ": invalid base64");
        }
    }

    private static String unquote(String s) {
        String t = s.strip();
        return t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"") ? t.substring(1, t.length() - 1) : t;
    }

    private static Element child(Element parent, String ns, String local) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && ns.equals(e.getNamespaceURI()) && local.equals(e.getLocalName())) {
                return e;
            }
        }
        return null;
    }

    private static Document parseXml(byte[] xml) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(null);
            try (InputStream in = new java.io.ByteArrayInputStream(xml)) {
                return b.parse(in);
            }
        } catch (ParserConfigurationException | IOException e) {
            throw new IllegalStateException("XML parser unavailable", e);
        } catch (SAXException e) {
            throw new InvalidInputException("Token file is not well-formed XML.");
        }
    }
}
