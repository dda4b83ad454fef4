package dev.dualkey.gateway.iam;

import dev.dualkey.gateway.iam.error.IamErrorCode;
import dev.dualkey.gateway.iam.error.IamErrorWriter;
import dev.dualkey.gateway.iam.error.IamException;
import dev.dualkey.gateway.iam.query.QueryParams;
import dev.dualkey.gateway.iam.validate.ParamValidator;
import dev.dualkey.gateway.iam.validate.ValidatedParams;
import dev.dualkey.gateway.iam.xml.IamXmlWriter;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The IAM Query API, free of Netty: {@code handle(IamCall) -> IamResponse}. The front door authenticates
 * the request (SigV4, service {@code iam}), parses it with {@link IamRequestParser} and calls this on a
 * blocking-capable executor (actions touch RocksDB).
 *
 * <p>Every request goes the same way: {@code Action} present -> {@code Version} is {@code 2010-05-08} ->
 * action known -> declared members validated once ({@link ParamValidator}) -> the action's handler, which
 * authorizes through {@link IamContext#authorize} -> a success document, or one error document. Domain
 * exceptions of the mfa module are translated in one place (the translator given here); anything else is
 * a {@code ServiceFailure} 500 without internal detail.
 */
public final class IamQueryHandler {
    /** The only IAM API version. */
    public static final String VERSION = "2010-05-08";

    private static final Logger LOG = LoggerFactory.getLogger(IamQueryHandler.class);
    /** Action and Version values echoed in messages must look like what they claim to be. */
    private static final Pattern ECHOABLE = Pattern.compile("[A-Za-z0-9.-]{1,64}");

    private final Map<IamAction, IamActionHandler> handlers;
    private final IamAuthorizer authorizer;
    private final Function<RuntimeException, IamException> translator;
    private final Clock clock;

    /**
     * @param handlers one handler per {@link IamAction}, all of them
     * @param authorizer policy evaluation for IAM users
     * @param translator maps domain exceptions to IAM errors; returns {@code null} for unknown ones
     */
    public IamQueryHandler(Map<IamAction, IamActionHandler> handlers, IamAuthorizer authorizer,
                           Function<RuntimeException, IamException> translator) {
        this(handlers, authorizer, translator, Clock.systemUTC());
    }

    /** @param clock the time a session's MFA age is measured against ({@link IamContext#RECENT_MFA}) */
    public IamQueryHandler(Map<IamAction, IamActionHandler> handlers, IamAuthorizer authorizer,
                           Function<RuntimeException, IamException> translator, Clock clock) {
        EnumMap<IamAction, IamActionHandler> all = new EnumMap<>(IamAction.class);
        all.putAll(handlers);
        for (IamAction a : IamAction.values()) {
            if (!all.containsKey(a)) {
                throw new IllegalArgumentException("no handler for " + a.actionName());
            }
        }
        this.handlers = all;
        this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
        this.translator = Objects.requireNonNull(translator, "translator");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Parses the raw HTTP parts, then handles; a parse failure becomes an IAM error document. */
    public IamResponse handle(String method, String contentType, String rawQuery, byte[] body, IamCaller caller,
                              String accessKeyId, String requestId, String clientAddress) {
        return handle(method, contentType, rawQuery, body, caller, accessKeyId, requestId, clientAddress, false);
    }

    /** As above, for a request that arrived over TLS when {@code secureTransport} ({@code aws:SecureTransport}). */
    public IamResponse handle(String method, String contentType, String rawQuery, byte[] body, IamCaller caller,
                              String accessKeyId, String requestId, String clientAddress,
                              boolean secureTransport) {
        QueryParams params;
        try {
            params = IamRequestParser.parse(method, contentType, rawQuery, body);
        } catch (IamException e) {
            return error(e, requestId);
        }
        return handle(new IamCall(caller, accessKeyId, params, requestId, clientAddress, secureTransport));
    }

    public IamResponse handle(IamCall call) {
        IamAction action = null;
        try {
            action = resolve(call.params());
            ValidatedParams params = ParamValidator.validate(call.params(), action.params());
            IamContext ctx = new IamContext(action, call, params, authorizer, clock);
            IamXmlWriter.Body body = run(action, ctx);
            if (!ctx.authorized()) {
                // A handler bug, not a client error: never answer success for an unauthorized action.
                throw new IllegalStateException(action.actionName() + " returned without authorizing");
            }
            byte[] xml = IamXmlWriter.render(action.actionName(), body, call.requestId());
            LOG.debug("iam {} by {} ok (request {})", action.actionName(), call.caller().arn(), call.requestId());
            return new IamResponse(200, xml);
        } catch (IamException e) {
            LOG.debug("iam {} by {} failed: {} (request {})", action == null ? "?" : action.actionName(),
                    call.caller().arn(), e.errorCode().code(), call.requestId());
            return error(e, call.requestId());
        } catch (RuntimeException e) {
            LOG.error("iam {} failed unexpectedly (request {})", action == null ? "?" : action.actionName(),
                    call.requestId(), e);
            return error(new IamException(IamErrorCode.SERVICE_FAILURE,
                    "The request processing has failed because of an unknown error, exception or failure."),
                    call.requestId());
        }
    }

    /**
     * Runs one action for an in-process caller (the console) through exactly the path of a Query request:
     * parameter validation, the action's registered handler (which resolves its target and authorizes), domain
     * errors translated once. The result document is not rendered.
     *
     * @throws IamException the IAM error the Query API would answer (AccessDenied, NoSuchEntity, ...)
     */
    public void perform(IamCall call) {
        perform(call, ctx -> handlers.get(ctx.action()).handle(ctx));
    }

    /**
     * Like {@link #perform(IamCall)} but runs {@code operation} (a typed variant of the action's handler, from
     * the same action class) and returns its result; it must authorize like the handler does.
     */
    public <T> T perform(IamCall call, Function<IamContext, T> operation) {
        return perform(call, operation, false);
    }

    /**
     * Whether {@code call}'s caller may perform its action on the target {@code authorization} resolves and
     * authorizes (the console's "show this button?"), through the same context and authorizer as the action
     * itself. Only the parameters present are validated (a button has no serial or codes yet).
     */
    public boolean allowed(IamCall call, java.util.function.Consumer<IamContext> authorization) {
        try {
            perform(call, ctx -> {
                authorization.accept(ctx);
                return Boolean.TRUE;
            }, true);
            return true;
        } catch (IamException e) {
            if (e.errorCode() == IamErrorCode.ACCESS_DENIED) {
                return false;
            }
            throw e;
        }
    }

    private <T> T perform(IamCall call, Function<IamContext, T> operation, boolean presentOnly) {
        IamAction action = resolve(call.params());
        ValidatedParams params = ParamValidator.validate(call.params(), presentOnly
                ? action.params().stream().filter(p -> call.params().has(p.name())).toList() : action.params());
        IamContext ctx = new IamContext(action, call, params, authorizer, clock);
        T result;
        try {
            result = operation.apply(ctx);
        } catch (IamException e) {
            throw e;
        } catch (RuntimeException e) {
            IamException translated = translator.apply(e);
            if (translated == null) {
                throw e;
            }
            throw translated;
        }
        if (!ctx.authorized()) {
            throw new IllegalStateException(action.actionName() + " returned without authorizing");
        }
        return result;
    }

    private IamXmlWriter.Body run(IamAction action, IamContext ctx) {
        try {
            return handlers.get(action).handle(ctx);
        } catch (IamException e) {
            throw e;
        } catch (RuntimeException e) {
            IamException translated = translator.apply(e);
            if (translated == null) {
                throw e;
            }
            return rethrow(translated);
        }
    }

    private static IamXmlWriter.Body rethrow(IamException e) {
        throw e;
    }

    private static IamAction resolve(QueryParams params) {
        String name = params.get("Action");
        if (name == null || name.isEmpty()) {
            throw new IamException(IamErrorCode.MISSING_ACTION,
                    "The request is missing an action or a required parameter.");
        }
        String version = params.get("Version");
        if (version == null || version.isEmpty()) {
            throw new IamException(IamErrorCode.MISSING_PARAMETER, "The request must contain the parameter Version.");
        }
        IamAction action = IamAction.fromName(name);
        if (action == null || !VERSION.equals(version)) {
            String op = ECHOABLE.matcher(name).matches() ? name + " " : "";
            String v = ECHOABLE.matcher(version).matches() ? " " + version : "";
            throw new IamException(IamErrorCode.INVALID_ACTION, "Could not find operation " + op + "for version" + v);
        }
        return action;
    }

    /** The IAM error document for {@code e}, with its status. */
    public static IamResponse error(IamException e, String requestId) {
        return new IamResponse(e.errorCode().httpStatus(), IamErrorWriter.write(e, requestId));
    }
}
