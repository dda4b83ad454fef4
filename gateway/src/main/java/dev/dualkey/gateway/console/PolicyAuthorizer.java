package dev.dualkey.gateway.console;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

import dev.dualkey.gateway.authz.AccessAuthorizer;
import dev.dualkey.gateway.authz.Check;
import dev.dualkey.gateway.authz.RequestContextBuilder;
import dev.dualkey.gateway.authz.RequestOrigin;
import dev.dualkey.gateway.authz.Subject;
import dev.dualkey.gateway.console.page.Authorizer;
import dev.dualkey.gateway.console.page.ConsoleUser;

/**
 * Console authorization through the API's own authorizer and request-context builder: the same account boundary,
 * root rule and identity policies, the same keys. A console session is a session (temporary credentials, as in the
 * AWS console): {@code aws:MultiFactorAuthPresent} is {@code true} when the sign-in took a code and
 * {@code false} otherwise, with {@code aws:MultiFactorAuthAge} counted from the sign-in;
 * {@code aws:SecureTransport} is the console listener's TLS.
 */
public final class PolicyAuthorizer implements Authorizer {
    private final AccessAuthorizer authorizer;
    private final Clock clock;
    private final boolean secure;

    public PolicyAuthorizer(AccessAuthorizer authorizer, Clock clock, boolean secure) {
        this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.secure = secure;
    }

    @Override
    public boolean allowed(ConsoleUser user, String action, String resourceArn) {
        return allowed(user, action, resourceArn, Map.of());
    }

    @Override
    public boolean allowed(ConsoleUser user, String action, String resourceArn, Map<String, String> requestKeys) {
        // A session signed in with a code whose time is unknown counts as MFA-present, aged from now.
        Instant mfaAt = user.mfaPresent()
                ? (user.mfaAuthenticatedAt() != null ? user.mfaAuthenticatedAt() : clock.instant()) : null;
        Subject subject = user.isRoot()
                ? new Subject(user.accountId(), "root", true, user.arn(), user.accountId(), true, mfaAt)
                : new Subject(user.accountId(), user.userName(), false, user.arn(), null, true, mfaAt);
        // The console's pages are not behind the API's front door: the client address is not known here.
        return authorizer.allows(RequestContextBuilder.of(subject, clock)
                .origin(RequestOrigin.transport(secure, null))
                .keys(requestKeys)
                .build(new Check(action, resourceArn)));
    }
}
