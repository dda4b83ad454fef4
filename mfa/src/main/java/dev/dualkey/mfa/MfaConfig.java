package dev.dualkey.mfa;

import dev.dualkey.mfa.secret.PasswordHasher;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of the mfa layer.
 *
 * @param clock              time for TOTP steps, dates, sessions and throttling (inject a fixed clock in tests)
 * @param environment        where {@code DUALKEY_MASTER_KEY} is read from (normally {@code System.getenv()})
 * @param passwordParams     Argon2id cost
 * @param sessionIdle        console session idle timeout
 * @param sessionAbsolute    console session absolute lifetime
 * @param challengeLifetime  how long an MFA sign-in challenge stays valid
 */
public record MfaConfig(Clock clock, Map<String, String> environment, PasswordHasher.Params passwordParams,
                        Duration sessionIdle, Duration sessionAbsolute, Duration challengeLifetime) {
    public MfaConfig {
        Objects.requireNonNull(clock, "clock");
        environment = Map.copyOf(environment);
        Objects.requireNonNull(passwordParams, "passwordParams");
    }

    /** Production defaults: 15 min idle, 12 h absolute, 5 min challenges, OWASP Argon2id cost. */
    public static MfaConfig defaults(Clock clock) {
        return new MfaConfig(clock, System.getenv(), PasswordHasher.Params.standard(), Duration.ofMinutes(15),
                Duration.ofHours(12), Duration.ofMinutes(5));
    }

    public MfaConfig withEnvironment(Map<String, String> env) {
        return new MfaConfig(clock, env, passwordParams, sessionIdle, sessionAbsolute, challengeLifetime);
    }

    public MfaConfig withPasswordParams(PasswordHasher.Params p) {
        return new MfaConfig(clock, environment, p, sessionIdle, sessionAbsolute, challengeLifetime);
    }
}
