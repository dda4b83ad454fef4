/**
 * StAX writing of IAM Query API response documents: {@link dev.dualkey.gateway.iam.xml.IamXmlWriter} for
 * success documents and {@link dev.dualkey.gateway.iam.xml.IamXml} for shared value formats. No XML is ever
 * built by string concatenation.
 */
package dev.dualkey.gateway.iam.xml;
