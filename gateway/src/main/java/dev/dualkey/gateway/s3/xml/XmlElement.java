package dev.dualkey.gateway.s3.xml;

import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import java.io.ByteArrayInputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * A tiny read-only element tree parsed with StAX from a small, size-capped request body. Namespaces are
 * ignored (clients send S3 bodies with and without the S3 namespace). DTDs and external entities are refused,
 * so a request body cannot make the gateway read files or expand entity bombs.
 */
public final class XmlElement {
    private static final XMLInputFactory FACTORY = newFactory();
    private static final int MAX_DEPTH = 16;

    private final String name;
    private final StringBuilder text = new StringBuilder();
    private final List<XmlElement> children = new ArrayList<>();
    /** Attributes by local name (namespace dropped, as for elements): ACL grantees carry {@code xsi:type}. */
    private final java.util.Map<String, String> attributes = new java.util.HashMap<>();

    private XmlElement(String name) {
        this.name = name;
    }

    private static XMLInputFactory newFactory() {
        XMLInputFactory f = XMLInputFactory.newFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        return f;
    }

    /**
     * Parses a document.
     *
     * @throws S3Exception MalformedXML when the bytes are not one well-formed element tree
     */
    public static XmlElement parse(byte[] body) {
        if (body.length == 0) {
            throw new S3Exception(S3ErrorCode.MALFORMED_XML);
        }
        XMLStreamReader r = null;
        try {
            r = FACTORY.createXMLStreamReader(new ByteArrayInputStream(body));
            Deque<XmlElement> stack = new ArrayDeque<>();
            XmlElement root = null;
            while (r.hasNext()) {
                int event = r.next();
                switch (event) {
                    case XMLStreamConstants.START_ELEMENT -> {
                        if (stack.size() >= MAX_DEPTH) {
                            throw new S3Exception(S3ErrorCode.MALFORMED_XML);
                        }
                        XmlElement e = new XmlElement(r.getLocalName());
                        for (int i = 0; i < r.getAttributeCount(); i++) {
                            e.attributes.put(r.getAttributeLocalName(i), r.getAttributeValue(i));
                        }
                        if (stack.isEmpty()) {
                            root = e;
                        } else {
                            stack.peek().children.add(e);
                        }
                        stack.push(e);
                    }
                    case XMLStreamConstants.END_ELEMENT -> stack.pop();
                    case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
                        if (!stack.isEmpty()) {
                            stack.peek().text.append(r.getText());
                        }
                    }
                    case XMLStreamConstants.DTD, XMLStreamConstants.ENTITY_REFERENCE ->
                            throw new S3Exception(S3ErrorCode.MALFORMED_XML);
                    default -> { }
                }
            }
            if (root == null) {
                throw new S3Exception(S3ErrorCode.MALFORMED_XML);
            }
            return root;
        } catch (XMLStreamException | RuntimeException e) {
            if (e instanceof S3Exception s3) {
                throw s3;
            }
            throw new S3Exception(S3ErrorCode.MALFORMED_XML, S3ErrorCode.MALFORMED_XML.defaultMessage(), e);
        } finally {
            if (r != null) {
                try {
                    r.close();
                } catch (XMLStreamException ignored) {
                    // nothing left to release
                }
            }
        }
    }

    public String name() {
        return name;
    }

    /** The element's text content, trimmed. */
    public String text() {
        return text.toString().trim();
    }

    /** The element's text exactly as sent (object keys may have meaningful spaces). */
    public String rawText() {
        return text.toString();
    }

    public List<XmlElement> children() {
        return Collections.unmodifiableList(children);
    }

    public List<XmlElement> children(String childName) {
        return children.stream().filter(c -> c.name.equals(childName)).toList();
    }

    public Optional<XmlElement> child(String childName) {
        return children.stream().filter(c -> c.name.equals(childName)).findFirst();
    }

    /** The attribute with this local name (any namespace), if present. */
    public Optional<String> attribute(String localName) {
        return Optional.ofNullable(attributes.get(localName));
    }

    /** Text of the first child with this name, if any. */
    public Optional<String> childText(String childName) {
        return child(childName).map(XmlElement::text);
    }
}
