package dev.dualkey.gateway.iam.error;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class IamErrorWriterTest {

    static Document parse(byte[] xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
    }

    @Test
    void writesIamErrorResponse() throws Exception {
        byte[] xml = IamErrorWriter.write(IamErrorCode.NO_SUCH_ENTITY, "The user with name <a&b> cannot be found.",
                "req-1");
        Document d = parse(xml);
        assertEquals("ErrorResponse", d.getDocumentElement().getLocalName());
        assertEquals("https://iam.amazonaws.com/doc/2010-05-08/", d.getDocumentElement().getNamespaceURI());
        assertEquals("Sender", d.getElementsByTagName("Type").item(0).getTextContent());
        assertEquals("NoSuchEntity", d.getElementsByTagName("Code").item(0).getTextContent());
        assertEquals("The user with name <a&b> cannot be found.",
                d.getElementsByTagName("Message").item(0).getTextContent());
        assertEquals("req-1", d.getElementsByTagName("RequestId").item(0).getTextContent());
        assertTrue(new String(xml, StandardCharsets.UTF_8).contains("&lt;a&amp;b&gt;"));
    }

    @Test
    void serverFaultsAreReceiver() throws Exception {
        Document d = parse(IamErrorWriter.write(IamErrorCode.SERVICE_FAILURE, "x", "r"));
        assertEquals("Receiver", d.getElementsByTagName("Type").item(0).getTextContent());
    }

    @Test
    void codesAreWellFormedAndUnique() {
        Set<String> seen = new HashSet<>();
        for (IamErrorCode c : IamErrorCode.values()) {
            assertTrue(c.code().matches("[A-Z][A-Za-z0-9]+"), c.code());
            assertTrue(seen.add(c.code()), c.code());
            assertTrue(c.httpStatus() >= 400 && c.httpStatus() < 600, c.code());
        }
        assertEquals(403, IamErrorCode.INVALID_AUTHENTICATION_CODE.httpStatus());
        assertEquals(409, IamErrorCode.DELETE_CONFLICT.httpStatus());
        assertEquals(409, IamErrorCode.LIMIT_EXCEEDED.httpStatus());
        assertEquals(404, IamErrorCode.NO_SUCH_ENTITY.httpStatus());
    }
}
