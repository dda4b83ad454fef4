package dev.dualkey.mfa.policy;

import java.util.List;

/** A parsed IAM policy document: its statements, in document order. */
public record Policy(String version, List<Statement> statements) {
    public Policy {
        statements = List.copyOf(statements);
    }
}
