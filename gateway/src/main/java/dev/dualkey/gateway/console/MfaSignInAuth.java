package dev.dualkey.gateway.console;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.dualkey.gateway.console.page.ConsoleAuth;
import dev.dualkey.gateway.console.page.ConsoleUser;
import dev.dualkey.mfa.identity.Account;
import dev.dualkey.mfa.identity.IdentityService;
import dev.dualkey.mfa.signin.Session;
import dev.dualkey.mfa.signin.SignInResult;
import dev.dualkey.mfa.signin.SignInService;

/**
 * {@link ConsoleAuth} over mfa's {@link SignInService}, which decides everything that matters for security
 * (passwords, codes, throttling, session timeouts and revocation, audit). This class only remembers, per live
 * challenge, what the MFA page shows: the device serials and whether to offer a resync. That memory is small
 * (bounded, entries dropped after the challenge lifetime) and losing it only costs the user a fresh sign-in.
 */
public final class MfaSignInAuth implements ConsoleAuth {
    private static final int MAX_CHALLENGES = 10_000;
    private static final Duration CHALLENGE_VIEW_LIFETIME = Duration.ofMinutes(10);

    private record View(List<String> serials, boolean offerResync, Instant until) {
    }

    private final SignInService signIn;
    private final IdentityService identity;
    private final Clock clock;
    private final Map<String, View> challenges = new ConcurrentHashMap<>();

    public MfaSignInAuth(SignInService signIn, IdentityService identity, Clock clock) {
        this.signIn = signIn;
        this.identity = identity;
        this.clock = clock;
    }

    @Override
    public Result password(String accountIdOrAlias, String userName, String password, String clientAddress) {
        return convert(signIn.signInWithPassword(accountIdOrAlias, userName, password, clientAddress), null);
    }

    @Override
    public Result code(String challengeToken, String code, String clientAddress) {
        return convert(signIn.signInWithCode(challengeToken, null, code, clientAddress), challengeToken);
    }

    @Override
    public Result resync(String challengeToken, String code1, String code2, String clientAddress) {
        View v = view(challengeToken);
        if (v == null || v.serials().isEmpty()) {
            return new Failed(false, false, null);
        }
        // The page offers resync for the user's first device; with several devices, resync the others from
        // My security credentials after signing in with one that works.
        return convert(signIn.resync(challengeToken, v.serials().get(0), code1, code2, clientAddress), challengeToken);
    }

    private Result convert(SignInResult r, String previousChallenge) {
        switch (r.status()) {
            case SIGNED_IN:
                if (previousChallenge != null) {
                    challenges.remove(previousChallenge);
                }
                return new SignedIn(r.token());
            case MFA_REQUIRED:
                remember(r.token(), new View(r.deviceSerials(), false, clock.instant().plus(CHALLENGE_VIEW_LIFETIME)));
                return new MfaRequired(r.token(), r.deviceSerials().isEmpty() ? "" : r.deviceSerials().get(0));
            default:
                if (r.token() != null) {
                    View old = view(r.token());
                    List<String> serials = old == null ? List.of() : old.serials();
                    remember(r.token(), new View(serials, r.resyncSuggested() || (old != null && old.offerResync()),
                            clock.instant().plus(CHALLENGE_VIEW_LIFETIME)));
                } else if (previousChallenge != null) {
                    challenges.remove(previousChallenge);
                }
                return new Failed(r.resyncSuggested(), r.token() != null, r.message());
        }
    }

    private void remember(String token, View v) {
        if (challenges.size() >= MAX_CHALLENGES) {
            Instant now = clock.instant();
            challenges.values().removeIf(x -> !x.until().isAfter(now));
            if (challenges.size() >= MAX_CHALLENGES) {
                return; // under a flood the page just shows no device name; sign-in itself still works
            }
        }
        challenges.put(token, v);
    }

    private View view(String token) {
        View v = token == null ? null : challenges.get(token);
        if (v != null && !v.until().isAfter(clock.instant())) {
            challenges.remove(token);
            return null;
        }
        return v;
    }

    @Override
    public Challenge challenge(String challengeToken) {
        View v = view(challengeToken);
        return v == null ? null : new Challenge(v.serials().isEmpty() ? "" : v.serials().get(0), v.offerResync());
    }

    @Override
    public void cancel(String challengeToken) {
        challenges.remove(challengeToken);
        signIn.signOut(challengeToken, dev.dualkey.gateway.audit.ConsoleClient.currentOr(null));
    }

    @Override
    public ConsoleUser session(String sessionToken) {
        Optional<Session> s = signIn.session(sessionToken);
        if (s.isEmpty()) {
            return null;
        }
        Session session = s.get();
        String alias = identity.account(session.accountId()).map(Account::alias).orElse(null);
        return new ConsoleUser(session.accountId(), alias, session.root() ? null : session.userName(), sessionToken,
                session.mfaPresent(), session.mfaPresent() ? session.createdAt() : null);
    }

    @Override
    public void signOut(String sessionToken) {
        // the browser's address, bound for this console request (audit/ConsoleClient, issue 18)
        signIn.signOut(sessionToken, dev.dualkey.gateway.audit.ConsoleClient.currentOr(null));
    }
}
