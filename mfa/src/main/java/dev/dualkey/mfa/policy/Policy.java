package dev.dualkey.mfa.policy;

import java.util.List;

/**
 * A parsed IAM policy document: its Version ({@code 2012-10-17}, or {@code 2008-10-17} also when the document
 * has none) and its statements, in document order.
 */
public record Policy(String version, List<Statement> statements) {
    /** The current policy language: the only Version with policy variables. */
    public static final String VERSION_2012 = "2012-10-17";
    /** The original policy language, assumed when a document has no Version. */
    public static final String VERSION_2008 = "2008-10-17";

    public Policy {
        statements = List.copyOf(statements);
    }
}
