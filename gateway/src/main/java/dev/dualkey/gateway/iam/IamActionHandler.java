package dev.dualkey.gateway.iam;

import dev.dualkey.gateway.iam.xml.IamXmlWriter;

/**
 * Runs one IAM action. Implementations must call {@link IamContext#authorize} before reading or changing
 * anything the caller may not see; {@link IamQueryHandler} refuses a handler that returns without having
 * authorized.
 */
@FunctionalInterface
public interface IamActionHandler {
    /** @return the {@code <{Op}Result>} fields, or {@code null} for actions without output */
    IamXmlWriter.Body handle(IamContext ctx);
}
