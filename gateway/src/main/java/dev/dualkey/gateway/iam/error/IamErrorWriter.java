package dev.dualkey.gateway.iam.error;

import dev.dualkey.gateway.iam.xml.IamXml;
import java.io.ByteArrayOutputStream;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * The single writer of IAM error documents:
 *
 * <pre>
 * &lt;ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"&gt;
 *   &lt;Error&gt;&lt;Type&gt;Sender&lt;/Type&gt;&lt;Code&gt;NoSuchEntity&lt;/Code&gt;&lt;Message&gt;...&lt;/Message&gt;&lt;/Error&gt;
 *   &lt;RequestId&gt;...&lt;/RequestId&gt;
 * &lt;/ErrorResponse&gt;
 * </pre>
 *
 * The front door uses it too for requests refused before an action runs (signature errors on the IAM
 * endpoint), so every IAM error has this shape.
 */
public final class IamErrorWriter {
    private IamErrorWriter() {}

    public static byte[] write(IamException e, String requestId) {
        return write(e.errorCode(), e.getMessage(), requestId);
    }

    public static byte[] write(IamErrorCode code, String message, String requestId) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try {
            XMLStreamWriter w = IamXml.newWriter(out);
            w.writeStartDocument("UTF-8", "1.0");
            w.writeStartElement("ErrorResponse");
            w.writeDefaultNamespace(IamXml.NAMESPACE);
            w.writeStartElement("Error");
            IamXml.element(w, "Type", code.faultType());
            IamXml.element(w, "Code", code.code());
            IamXml.element(w, "Message", message);
            w.writeEndElement();
            IamXml.element(w, "RequestId", requestId);
            w.writeEndElement();
            w.writeEndDocument();
            w.close();
        } catch (XMLStreamException impossible) {
            // Writing to memory cannot fail short of a bug in the StAX implementation.
            throw new IllegalStateException(impossible);
        }
        return out.toByteArray();
    }
}
