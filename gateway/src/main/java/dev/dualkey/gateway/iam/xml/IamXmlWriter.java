package dev.dualkey.gateway.iam.xml;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * Writes one successful IAM response document:
 *
 * <pre>
 * &lt;{Op}Response xmlns="https://iam.amazonaws.com/doc/2010-05-08/"&gt;
 *   &lt;{Op}Result&gt; ...fields written by the action... &lt;/{Op}Result&gt;     (omitted for actions without output)
 *   &lt;ResponseMetadata&gt;&lt;RequestId&gt;...&lt;/RequestId&gt;&lt;/ResponseMetadata&gt;
 * &lt;/{Op}Response&gt;
 * </pre>
 *
 * Actions see only the small typed surface below ({@link #start}, {@link #end}, {@link #text} and friends),
 * so every element name comes from the IAM model and every value is escaped by StAX.
 */
public final class IamXmlWriter {
    private final XMLStreamWriter w;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(512);

    private IamXmlWriter() {
        try {
            this.w = IamXml.newWriter(out);
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Body writer for the fields inside {@code <{Op}Result>}. */
    @FunctionalInterface
    public interface Body {
        void writeTo(IamXmlWriter xml);
    }

    /**
     * Renders a whole response document.
     *
     * @param operation the IAM operation name, e.g. {@code CreateUser}
     * @param body the result fields, or {@code null} for operations without output
     */
    public static byte[] render(String operation, Body body, String requestId) {
        IamXmlWriter x = new IamXmlWriter();
        try {
            x.w.writeStartDocument("UTF-8", "1.0");
            x.w.writeStartElement(operation + "Response");
            x.w.writeDefaultNamespace(IamXml.NAMESPACE);
            if (body != null) {
                x.w.writeStartElement(operation + "Result");
                body.writeTo(x);
                x.w.writeEndElement();
            }
            x.w.writeStartElement("ResponseMetadata");
            IamXml.element(x.w, "RequestId", requestId);
            x.w.writeEndElement();
            x.w.writeEndElement();
            x.w.writeEndDocument();
            x.w.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
        return x.out.toByteArray();
    }

    public IamXmlWriter start(String element) {
        try {
            w.writeStartElement(element);
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    public IamXmlWriter end() {
        try {
            w.writeEndElement();
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    /** Writes {@code <name>value</name>}; a {@code null} value writes nothing (optional member). */
    public IamXmlWriter text(String element, String value) {
        if (value == null) {
            return this;
        }
        try {
            IamXml.element(w, element, value);
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    public IamXmlWriter bool(String element, boolean value) {
        return text(element, Boolean.toString(value));
    }

    public IamXmlWriter number(String element, long value) {
        return text(element, Long.toString(value));
    }

    /** Optional timestamp member; {@code null} writes nothing. */
    public IamXmlWriter timestamp(String element, Instant value) {
        return value == null ? this : text(element, IamXml.timestamp(value));
    }

    /** Optional blob member, base64 on the wire; {@code null} writes nothing. */
    public IamXmlWriter blob(String element, byte[] value) {
        return value == null ? this : text(element, IamXml.blob(value));
    }
}
