package dev.dualkey.gateway.iam.xml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.Base64;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class IamXmlWriterTest {

    private static Document parse(byte[] xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
    }

    @Test
    void wrapsResultAndMetadata() throws Exception {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G'};
        byte[] xml = IamXmlWriter.render("CreateVirtualMFADevice", x -> x.start("VirtualMFADevice")
                .text("SerialNumber", "arn:aws:iam::123456789012:mfa/alice")
                .blob("QRCodePNG", png)
                .timestamp("EnableDate", Instant.parse("2024-01-02T03:04:05.678Z"))
                .text("Absent", null)
                .end(), "rid");
        Document d = parse(xml);
        assertEquals("CreateVirtualMFADeviceResponse", d.getDocumentElement().getLocalName());
        assertEquals(IamXml.NAMESPACE, d.getDocumentElement().getNamespaceURI());
        assertEquals("CreateVirtualMFADeviceResult", d.getDocumentElement().getFirstChild().getLocalName());
        assertArrayEquals(png, Base64.getDecoder().decode(
                d.getElementsByTagName("QRCodePNG").item(0).getTextContent()));
        assertEquals("2024-01-02T03:04:05Z", d.getElementsByTagName("EnableDate").item(0).getTextContent());
        assertEquals(0, d.getElementsByTagName("Absent").getLength());
        assertEquals("rid", d.getElementsByTagName("RequestId").item(0).getTextContent());
    }

    @Test
    void actionsWithoutOutputHaveOnlyMetadata() throws Exception {
        Document d = parse(IamXmlWriter.render("EnableMFADevice", null, "rid"));
        assertEquals("EnableMFADeviceResponse", d.getDocumentElement().getLocalName());
        assertEquals(0, d.getElementsByTagName("EnableMFADeviceResult").getLength());
        assertEquals("ResponseMetadata", d.getDocumentElement().getFirstChild().getLocalName());
    }
}
