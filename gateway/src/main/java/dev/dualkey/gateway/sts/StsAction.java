package dev.dualkey.gateway.sts;

/** The STS actions this server answers, in AWS's names. Every other action is InvalidAction. */
public enum StsAction {
    GET_SESSION_TOKEN("GetSessionToken"),
    GET_CALLER_IDENTITY("GetCallerIdentity");

    private final String actionName;

    StsAction(String actionName) {
        this.actionName = actionName;
    }

    public String actionName() {
        return actionName;
    }

    /** The action named exactly {@code name} (case-sensitive, as AWS), or null. */
    public static StsAction fromName(String name) {
        for (StsAction a : values()) {
            if (a.actionName.equals(name)) {
                return a;
            }
        }
        return null;
    }
}
