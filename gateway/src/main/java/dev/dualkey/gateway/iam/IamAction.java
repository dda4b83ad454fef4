package dev.dualkey.gateway.iam;

import static dev.dualkey.gateway.iam.validate.IamShape.ACCESS_KEY_ID;
import static dev.dualkey.gateway.iam.validate.IamShape.ACCESS_KEY_STATUS;
import static dev.dualkey.gateway.iam.validate.IamShape.ASSIGNMENT_STATUS;
import static dev.dualkey.gateway.iam.validate.IamShape.ARN;
import static dev.dualkey.gateway.iam.validate.IamShape.AUTHENTICATION_CODE;
import static dev.dualkey.gateway.iam.validate.IamShape.BOOLEAN;
import static dev.dualkey.gateway.iam.validate.IamShape.EXISTING_USER_NAME;
import static dev.dualkey.gateway.iam.validate.IamShape.MARKER;
import static dev.dualkey.gateway.iam.validate.IamShape.MAX_ITEMS;
import static dev.dualkey.gateway.iam.validate.IamShape.PASSWORD;
import static dev.dualkey.gateway.iam.validate.IamShape.PATH;
import static dev.dualkey.gateway.iam.validate.IamShape.PATH_PREFIX;
import static dev.dualkey.gateway.iam.validate.IamShape.POLICY_DOCUMENT;
import static dev.dualkey.gateway.iam.validate.IamShape.POLICY_NAME;
import static dev.dualkey.gateway.iam.validate.IamShape.SERIAL_NUMBER;
import static dev.dualkey.gateway.iam.validate.IamShape.TAG_KEY;
import static dev.dualkey.gateway.iam.validate.IamShape.USER_NAME;
import static dev.dualkey.gateway.iam.validate.IamShape.VIRTUAL_MFA_DEVICE_NAME;
import static dev.dualkey.gateway.iam.validate.Param.optional;
import static dev.dualkey.gateway.iam.validate.Param.required;

import dev.dualkey.gateway.iam.validate.Param;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The IAM actions Dualkey serves, named exactly as the IAM API names them, each with its declared input
 * members (botocore {@code iam/2010-05-08}). {@link IamQueryHandler} validates these members before the
 * action runs; members a request sends that are not declared here are ignored, as IAM does.
 */
public enum IamAction {
    CREATE_USER("CreateUser", optional("Path", PATH), required("UserName", USER_NAME),
            optional("PermissionsBoundary", ARN), Param.tags("Tags", false)),
    GET_USER("GetUser", optional("UserName", EXISTING_USER_NAME)),
    LIST_USERS("ListUsers", optional("PathPrefix", PATH_PREFIX), optional("Marker", MARKER),
            optional("MaxItems", MAX_ITEMS)),
    DELETE_USER("DeleteUser", required("UserName", EXISTING_USER_NAME)),

    CREATE_ACCESS_KEY("CreateAccessKey", optional("UserName", EXISTING_USER_NAME)),
    LIST_ACCESS_KEYS("ListAccessKeys", optional("UserName", EXISTING_USER_NAME), optional("Marker", MARKER),
            optional("MaxItems", MAX_ITEMS)),
    UPDATE_ACCESS_KEY("UpdateAccessKey", optional("UserName", EXISTING_USER_NAME),
            required("AccessKeyId", ACCESS_KEY_ID), required("Status", ACCESS_KEY_STATUS)),
    DELETE_ACCESS_KEY("DeleteAccessKey", optional("UserName", EXISTING_USER_NAME),
            required("AccessKeyId", ACCESS_KEY_ID)),

    CREATE_LOGIN_PROFILE("CreateLoginProfile", optional("UserName", USER_NAME), optional("Password", PASSWORD),
            optional("PasswordResetRequired", BOOLEAN)),
    GET_LOGIN_PROFILE("GetLoginProfile", optional("UserName", USER_NAME)),
    UPDATE_LOGIN_PROFILE("UpdateLoginProfile", required("UserName", USER_NAME), optional("Password", PASSWORD),
            optional("PasswordResetRequired", BOOLEAN)),
    DELETE_LOGIN_PROFILE("DeleteLoginProfile", optional("UserName", USER_NAME)),
    CHANGE_PASSWORD("ChangePassword", required("OldPassword", PASSWORD), required("NewPassword", PASSWORD)),

    PUT_USER_POLICY("PutUserPolicy", required("UserName", EXISTING_USER_NAME),
            required("PolicyName", POLICY_NAME), required("PolicyDocument", POLICY_DOCUMENT)),
    GET_USER_POLICY("GetUserPolicy", required("UserName", EXISTING_USER_NAME),
            required("PolicyName", POLICY_NAME)),
    LIST_USER_POLICIES("ListUserPolicies", required("UserName", EXISTING_USER_NAME),
            optional("Marker", MARKER), optional("MaxItems", MAX_ITEMS)),
    DELETE_USER_POLICY("DeleteUserPolicy", required("UserName", EXISTING_USER_NAME),
            required("PolicyName", POLICY_NAME)),

    GET_ACCOUNT_SUMMARY("GetAccountSummary"),

    CREATE_VIRTUAL_MFA_DEVICE("CreateVirtualMFADevice", optional("Path", PATH),
            required("VirtualMFADeviceName", VIRTUAL_MFA_DEVICE_NAME), Param.tags("Tags", false)),
    ENABLE_MFA_DEVICE("EnableMFADevice", required("UserName", EXISTING_USER_NAME),
            required("SerialNumber", SERIAL_NUMBER), required("AuthenticationCode1", AUTHENTICATION_CODE),
            required("AuthenticationCode2", AUTHENTICATION_CODE)),
    RESYNC_MFA_DEVICE("ResyncMFADevice", required("UserName", EXISTING_USER_NAME),
            required("SerialNumber", SERIAL_NUMBER), required("AuthenticationCode1", AUTHENTICATION_CODE),
            required("AuthenticationCode2", AUTHENTICATION_CODE)),
    DEACTIVATE_MFA_DEVICE("DeactivateMFADevice", optional("UserName", EXISTING_USER_NAME),
            required("SerialNumber", SERIAL_NUMBER)),
    DELETE_VIRTUAL_MFA_DEVICE("DeleteVirtualMFADevice", required("SerialNumber", SERIAL_NUMBER)),
    LIST_MFA_DEVICES("ListMFADevices", optional("UserName", EXISTING_USER_NAME), optional("Marker", MARKER),
            optional("MaxItems", MAX_ITEMS)),
    LIST_VIRTUAL_MFA_DEVICES("ListVirtualMFADevices", optional("AssignmentStatus", ASSIGNMENT_STATUS),
            optional("Marker", MARKER), optional("MaxItems", MAX_ITEMS)),
    GET_MFA_DEVICE("GetMFADevice", required("SerialNumber", SERIAL_NUMBER), optional("UserName", USER_NAME)),
    TAG_MFA_DEVICE("TagMFADevice", required("SerialNumber", SERIAL_NUMBER), Param.tags("Tags", true)),
    UNTAG_MFA_DEVICE("UntagMFADevice", required("SerialNumber", SERIAL_NUMBER),
            Param.list("TagKeys", TAG_KEY, true, Param.MAX_TAGS)),
    LIST_MFA_DEVICE_TAGS("ListMFADeviceTags", required("SerialNumber", SERIAL_NUMBER),
            optional("Marker", MARKER), optional("MaxItems", MAX_ITEMS));

    private static final Map<String, IamAction> BY_NAME = new HashMap<>();

    static {
        for (IamAction a : values()) {
            BY_NAME.put(a.actionName, a);
        }
    }

    private final String actionName;
    private final List<Param> params;

    IamAction(String actionName, Param... params) {
        this.actionName = actionName;
        this.params = List.of(params);
    }

    /** The wire name ({@code Action=...}), also the policy action after {@code iam:}. */
    public String actionName() {
        return actionName;
    }

    /** The policy action, e.g. {@code iam:CreateUser}. */
    public String policyAction() {
        return "iam:" + actionName;
    }

    public List<Param> params() {
        return params;
    }

    /** The action with this exact (case-sensitive, as IAM) name, or {@code null}. */
    public static IamAction fromName(String name) {
        return BY_NAME.get(name);
    }
}
