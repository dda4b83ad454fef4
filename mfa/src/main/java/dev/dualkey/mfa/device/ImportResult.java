package dev.dualkey.mfa.device;

import java.util.List;

/** Outcome of a token import: serials added, and serials skipped because they were already present. */
public record ImportResult(List<String> imported, List<String> alreadyPresent) {
    public ImportResult {
        imported = List.copyOf(imported);
        alreadyPresent = List.copyOf(alreadyPresent);
    }
}
