package dev.dualkey.gateway.sts;

import dev.dualkey.gateway.iam.xml.IamXml;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * The single writer of STS documents (the same StAX plumbing as IAM's, another namespace):
 *
 * <pre>
 * &lt;GetSessionTokenResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"&gt;
 *   &lt;GetSessionTokenResult&gt;
 *     &lt;Credentials&gt;&lt;AccessKeyId/&gt;&lt;SecretAccessKey/&gt;&lt;SessionToken/&gt;&lt;Expiration/&gt;&lt;/Credentials&gt;
 *   &lt;/GetSessionTokenResult&gt;
 *   &lt;ResponseMetadata&gt;&lt;RequestId&gt;...&lt;/RequestId&gt;&lt;/ResponseMetadata&gt;
 * &lt;/GetSessionTokenResponse&gt;
 *
 * &lt;ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"&gt;
 *   &lt;Error&gt;&lt;Type&gt;Sender&lt;/Type&gt;&lt;Code&gt;AccessDenied&lt;/Code&gt;&lt;Message&gt;...&lt;/Message&gt;&lt;/Error&gt;
 *   &lt;RequestId&gt;...&lt;/RequestId&gt;
 * &lt;/ErrorResponse&gt;
 * </pre>
 */
public final class StsXml {
    /** Namespace of every STS response document (botocore's {@code xmlNamespace}). */
    public static final String NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/";

    private StsXml() {
    }

    /**
     * A success document whose result holds {@code fields} in order; a value that is itself a map becomes a
     * nested structure (e.g. {@code Credentials}).
     */
    public static byte[] success(String action, Map<String, Object> fields, String requestId) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        try {
            XMLStreamWriter w = IamXml.newWriter(out);
            w.writeStartDocument("UTF-8", "1.0");
            w.writeStartElement(action + "Response");
            w.writeDefaultNamespace(NAMESPACE);
            w.writeStartElement(action + "Result");
            writeFields(w, fields);
            w.writeEndElement();
            w.writeStartElement("ResponseMetadata");
            IamXml.element(w, "RequestId", requestId);
            w.writeEndElement();
            w.writeEndElement();
            w.writeEndDocument();
            w.close();
        } catch (XMLStreamException impossible) {
            throw new IllegalStateException(impossible);
        }
        return out.toByteArray();
    }

    @SuppressWarnings("unchecked")
    private static void writeFields(XMLStreamWriter w, Map<String, Object> fields) throws XMLStreamException {
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            if (e.getValue() instanceof Map<?, ?> nested) {
                w.writeStartElement(e.getKey());
                writeFields(w, (Map<String, Object>) nested);
                w.writeEndElement();
            } else {
                IamXml.element(w, e.getKey(), String.valueOf(e.getValue()));
            }
        }
    }

    /** The error document of {@code e}. */
    public static byte[] error(StsException e, String requestId) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try {
            XMLStreamWriter w = IamXml.newWriter(out);
            w.writeStartDocument("UTF-8", "1.0");
            w.writeStartElement("ErrorResponse");
            w.writeDefaultNamespace(NAMESPACE);
            w.writeStartElement("Error");
            IamXml.element(w, "Type", e.errorCode().faultType());
            IamXml.element(w, "Code", e.errorCode().code());
            IamXml.element(w, "Message", e.getMessage());
            w.writeEndElement();
            IamXml.element(w, "RequestId", requestId);
            w.writeEndElement();
            w.writeEndDocument();
            w.close();
        } catch (XMLStreamException impossible) {
            throw new IllegalStateException(impossible);
        }
        return out.toByteArray();
    }
}
