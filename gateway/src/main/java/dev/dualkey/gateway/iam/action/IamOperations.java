package dev.dualkey.gateway.iam.action;

import dev.dualkey.gateway.iam.IamAction;
import dev.dualkey.gateway.iam.IamAuthorizer;
import dev.dualkey.gateway.iam.IamCall;
import dev.dualkey.gateway.iam.IamCaller;
import dev.dualkey.gateway.iam.IamQueryHandler;
import dev.dualkey.gateway.iam.directory.IamAccessKey;
import dev.dualkey.gateway.iam.directory.IamAccessKeyMetadata;
import dev.dualkey.gateway.iam.directory.IamDirectory;
import dev.dualkey.gateway.iam.directory.IamMfaDevice;
import dev.dualkey.gateway.iam.directory.IamUser;
import dev.dualkey.gateway.iam.directory.NewVirtualMfaDevice;
import dev.dualkey.gateway.iam.error.IamErrorCode;
import dev.dualkey.gateway.iam.error.IamException;
import dev.dualkey.gateway.iam.query.QueryParams;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * The IAM operations as typed calls, for in-process callers (the console's user and credential pages). Each call
 * is an IAM Query request in all but transport: the same parameter validation, the same action handler (or its
 * typed variant in the same action class), the same canonical target resolution ({@link Targets}), the same
 * {@link IamAuthorizer} and root rules, the same domain-error translation. So a page decides exactly as the API:
 * it never builds an ARN from its URL, and a user the API refuses is refused here with the same AccessDenied.
 *
 * <p>Failures are {@link IamException}s with the API's code and message.
 */
public final class IamOperations {
    private static final String CONSOLE = "console";

    private final IamQueryHandler handler;
    private final IamDirectory directory;
    private final UserActions users;
    private final AccessKeyActions keys;
    private final MfaDeviceActions devices;

    public IamOperations(IamDirectory directory, IamAuthorizer authorizer,
                         Function<RuntimeException, IamException> translator, Clock clock) {
        this.directory = directory;
        this.handler = new IamQueryHandler(IamActions.over(directory), authorizer, translator, clock);
        this.users = new UserActions(directory);
        this.keys = new AccessKeyActions(directory);
        this.devices = new MfaDeviceActions(directory);
    }

    private static IamCall call(IamCaller caller, IamAction action, String... nameValues) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("Action", action.actionName());
        params.put("Version", IamQueryHandler.VERSION);
        for (int i = 0; i < nameValues.length; i += 2) {
            if (nameValues[i + 1] != null) {
                params.put(nameValues[i], nameValues[i + 1]);
            }
        }
        // The console request's client address (audit records, aws:SourceIp), bound by the console router.
        return new IamCall(caller, CONSOLE, new QueryParams(params), UUID.randomUUID().toString(),
                dev.dualkey.gateway.audit.ConsoleClient.currentOr(CONSOLE));
    }

    /**
     * Whether {@code caller} may perform {@code action} on user {@code userName} ({@code null}: on itself),
     * resolved canonically and decided by the same authorizer as the action: for showing or hiding a control.
     * The action itself decides again when it runs.
     */
    public boolean allowedOnUser(IamCaller caller, IamAction action, String userName) {
        return handler.allowed(call(caller, action, "UserName", userName),
                ctx -> Targets.authorizeOnUser(ctx, directory, Targets.userOrCaller(ctx)));
    }

    /** Whether {@code caller} may perform an account-level {@code action} (authorized on {@code *}). */
    public boolean allowedOnAccount(IamCaller caller, IamAction action) {
        return handler.allowed(call(caller, action), ctx -> ctx.authorize("*"));
    }

    public List<IamUser> listUsers(IamCaller caller) {
        return handler.perform(call(caller, IamAction.LIST_USERS), users::users);
    }

    /** CreateUser then CreateLoginProfile; the user is deleted again when the password is refused. */
    public void createUserWithPassword(IamCaller caller, String userName, String password) {
        handler.perform(call(caller, IamAction.CREATE_USER, "UserName", userName));
        try {
            handler.perform(call(caller, IamAction.CREATE_LOGIN_PROFILE, "UserName", userName, "Password", password));
        } catch (IamException e) {
            try {
                handler.perform(call(caller, IamAction.DELETE_USER, "UserName", userName));
            } catch (IamException undo) {
                e.addSuppressed(undo);
            }
            throw e;
        }
    }

    /** Whether the user has a console password (GetLoginProfile); AccessDenied when the caller may not ask. */
    public boolean hasLoginProfile(IamCaller caller, String userName) {
        try {
            handler.perform(call(caller, IamAction.GET_LOGIN_PROFILE, "UserName", userName));
            return true;
        } catch (IamException e) {
            if (e.errorCode() == IamErrorCode.NO_SUCH_ENTITY) {
                return false;
            }
            throw e;
        }
    }

    public void changePassword(IamCaller caller, String oldPassword, String newPassword) {
        handler.perform(call(caller, IamAction.CHANGE_PASSWORD, "OldPassword", oldPassword,
                "NewPassword", newPassword));
    }

    /** ListMFADevices of {@code userName} ({@code null}: the caller's own). */
    public List<IamMfaDevice> listMfaDevices(IamCaller caller, String userName) {
        return handler.perform(call(caller, IamAction.LIST_MFA_DEVICES, "UserName", userName), devices::listDevices);
    }

    public NewVirtualMfaDevice createVirtualMfaDevice(IamCaller caller, String deviceName) {
        return handler.perform(call(caller, IamAction.CREATE_VIRTUAL_MFA_DEVICE, "VirtualMFADeviceName", deviceName),
                devices::createDevice);
    }

    public void enableMfaDevice(IamCaller caller, String userName, String serial, String code1, String code2) {
        handler.perform(call(caller, IamAction.ENABLE_MFA_DEVICE, "UserName", userName, "SerialNumber", serial,
                "AuthenticationCode1", code1, "AuthenticationCode2", code2));
    }

    public void resyncMfaDevice(IamCaller caller, String userName, String serial, String code1, String code2) {
        handler.perform(call(caller, IamAction.RESYNC_MFA_DEVICE, "UserName", userName, "SerialNumber", serial,
                "AuthenticationCode1", code1, "AuthenticationCode2", code2));
    }

    /** DeactivateMFADevice of {@code userName} ({@code null}: the caller's own device). */
    public void deactivateMfaDevice(IamCaller caller, String userName, String serial) {
        handler.perform(call(caller, IamAction.DEACTIVATE_MFA_DEVICE, "UserName", userName, "SerialNumber", serial));
    }

    public void deleteVirtualMfaDevice(IamCaller caller, String serial) {
        handler.perform(call(caller, IamAction.DELETE_VIRTUAL_MFA_DEVICE, "SerialNumber", serial));
    }

    /** ListAccessKeys of {@code userName} ({@code null}: the caller's own). */
    public List<IamAccessKeyMetadata> listAccessKeys(IamCaller caller, String userName) {
        return handler.perform(call(caller, IamAction.LIST_ACCESS_KEYS, "UserName", userName), keys::keys);
    }

    public IamAccessKey createAccessKey(IamCaller caller, String userName) {
        return handler.perform(call(caller, IamAction.CREATE_ACCESS_KEY, "UserName", userName), keys::createKey);
    }

    public void deleteAccessKey(IamCaller caller, String userName, String accessKeyId) {
        handler.perform(call(caller, IamAction.DELETE_ACCESS_KEY, "UserName", userName, "AccessKeyId", accessKeyId));
    }
}
