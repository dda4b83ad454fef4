package dev.dualkey.gateway.alert;

import java.util.Optional;

/**
 * Where an account's root sent its account's security events (the console's Settings page), read by the delivery
 * thread at each delivery, so a change takes effect for the next event without a restart.
 */
@FunctionalInterface
public interface AccountAlertTargets {
    /** None configured for any account. */
    AccountAlertTargets NONE = accountId -> Optional.empty();

    /**
     * The receiver {@code accountId}'s root chose, if any. May throw (the state store is unreachable): the
     * delivery then goes to the operator's receiver only, and the failure is logged.
     */
    Optional<AlertTarget> forAccount(String accountId);
}
