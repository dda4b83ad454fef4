package dev.dualkey.gateway.iam.xml;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/** Shared StAX plumbing and IAM value formats (namespace, ISO-8601 timestamps, base64 blobs). */
public final class IamXml {
    /** Namespace of every IAM response document. */
    public static final String NAMESPACE = "https://iam.amazonaws.com/doc/2010-05-08/";

    /** The JDK's own StAX writer, whatever else is on the classpath, so IAM bytes do not change with it. */
    private static final XMLOutputFactory FACTORY = XMLOutputFactory.newDefaultFactory();

    private IamXml() {}

    public static XMLStreamWriter newWriter(OutputStream out) throws XMLStreamException {
        return FACTORY.createXMLStreamWriter(out, StandardCharsets.UTF_8.name());
    }

    public static void element(XMLStreamWriter w, String name, String text) throws XMLStreamException {
        w.writeStartElement(name);
        w.writeCharacters(text);
        w.writeEndElement();
    }

    /** IAM timestamps: ISO-8601 UTC with second precision, e.g. {@code 2024-01-02T03:04:05Z}. */
    public static String timestamp(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    /** IAM blobs (e.g. {@code Base32StringSeed}, {@code QRCodePNG}) travel as standard base64. */
    public static String blob(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }
}
