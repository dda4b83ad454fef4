package dev.dualkey.gateway.identity;

import dev.dualkey.gateway.authz.AccessAuthorizer;
import dev.dualkey.gateway.authz.AccountAuthorizer;
import dev.dualkey.gateway.authz.StoreAuthorization;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.gateway.authz.AuthzRequest;
import dev.dualkey.gateway.authz.Check;
import dev.dualkey.gateway.authz.RequestContextBuilder;
import dev.dualkey.gateway.authz.RequestOrigin;
import dev.dualkey.gateway.authz.Subject;
import dev.dualkey.gateway.iam.IamAuthorizer;
import dev.dualkey.gateway.iam.IamCall;
import dev.dualkey.gateway.iam.IamCaller;
import dev.dualkey.gateway.iam.query.QueryParams;
import dev.dualkey.mfa.identity.Caller;
import dev.dualkey.mfa.identity.IamUser;
import dev.dualkey.mfa.identity.IdentityService;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The gateway's one authorizer over the mfa module's identity store: {@link AccountAuthorizer}'s rules (account
 * boundary, root, then the IAM user's inline policies through {@link IdentityService#authorize}) for S3, IAM and
 * the console alike. The user is resolved in the store on every decision, so the policies see its stored name,
 * path and id (never the name as a request typed it), and a user deleted after its key was looked up is denied.
 */
public final class MfaAuthorizer implements AccessAuthorizer, IamAuthorizer {
    private final IdentityService identity;
    private final Clock clock;
    private final AccountAuthorizer rules;

    /**
     * @param objects the object store: buckets, their policies and ACLs (the resource side)
     * @param clock   the time of IAM requests' {@code aws:CurrentTime} and {@code aws:MultiFactorAuthAge}
     */
    public MfaAuthorizer(IdentityService identity, ObjectStore objects, Clock clock) {
        this.identity = Objects.requireNonNull(identity, "identity");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.rules = StoreAuthorization.over(objects, this::userPolicies);
    }

    @Override
    public dev.dualkey.mfa.policy.Decision decide(AuthzRequest request) {
        return rules.decide(request);
    }

    /** The principals a bucket policy may name: this store's accounts and users ("Invalid principal in policy"). */
    public dev.dualkey.mfa.policy.BucketPolicyParser.KnownPrincipals knownPrincipals() {
        return IdentityPrincipals.over(identity);
    }

    /**
     * The IAM user's identity policies alone (no account boundary): what the caller's own account says when another
     * account's resource policy or ACL allows the request (the cross-account rule: both sides must allow).
     */
    public dev.dualkey.gateway.authz.IdentityPolicies identityPolicies() {
        return this::userPolicies;
    }

    /** The ids of the accounts that exist (ACL grantees are resolved against them). */
    public java.util.List<String> accountIds() {
        return identity.listAccounts().stream().map(dev.dualkey.mfa.identity.Account::accountId).toList();
    }

    /** An IAM user's identity policies, with the stored user's canonical name, ARN and id. */
    private dev.dualkey.mfa.policy.Decision userPolicies(AuthzRequest request) {
        Subject s = request.subject();
        Optional<IamUser> user = identity.findUser(s.accountId(), s.userName());
        if (user.isEmpty() || user.get().isRoot()) {
            return dev.dualkey.mfa.policy.Decision.IMPLICIT_DENY; // deleted while its key or session was in use
        }
        IamUser u = user.get();
        Caller caller = new Caller(u.accountId(), u.userName(), u.userId(), u.arn(), false);
        return identity.authorize(caller, request.action(), request.resource(), request.keys());
    }

    /** The IAM API without the call's context (tests); production calls go through the other overload. */
    @Override
    public IamAuthorizer.Decision evaluate(IamCaller caller, String action, String resourceArn) {
        return evaluate(new IamCall(caller, "-", new QueryParams(Map.of()), "-", "-"), action,
                resourceArn);
    }

    @Override
    public IamAuthorizer.Decision evaluate(IamCall call, String action, String resourceArn) {
        IamCaller c = call.caller();
        Subject subject = new Subject(c.accountId(), c.userName(), c.isRoot(), c.arn(),
                c.isRoot() ? c.accountId() : null, c.temporary(), c.mfaAuthenticatedAt());
        // The call's address may carry the trusted proxies it came through ("CLIENT via HOPS"): the client alone
        // is aws:SourceIp.
        String address = call.clientAddress();
        int via = address.indexOf(" via ");
        String sourceIp = "-".equals(address) ? null : via < 0 ? address : address.substring(0, via);
        AuthzRequest request = RequestContextBuilder.of(subject, clock)
                .origin(RequestOrigin.transport(call.secureTransport(), sourceIp))
                .build(new Check(action, resourceArn));
        return switch (decide(request)) {
            case ALLOW -> IamAuthorizer.Decision.ALLOW;
            case EXPLICIT_DENY -> IamAuthorizer.Decision.EXPLICIT_DENY;
            case IMPLICIT_DENY -> IamAuthorizer.Decision.IMPLICIT_DENY;
        };
    }
}
