package dev.dualkey.gateway.iam;

/** The IAM ARNs our actions are authorized on. */
public final class IamArns {
    private IamArns() {}

    public static String root(String accountId) {
        return "arn:aws:iam::" + accountId + ":root";
    }

    /** {@code arn:aws:iam::<acct>:user/<path-without-leading-slash><name>}; root's ARN for the name {@code root}. */
    public static String user(String accountId, String path, String userName) {
        if (IamCaller.ROOT.equals(userName)) {
            return root(accountId);
        }
        return "arn:aws:iam::" + accountId + ":user" + path + userName;
    }

    /**
     * The MFA device resource: the serial itself when it is a virtual device's ARN, otherwise
     * {@code arn:aws:iam::<acct>:mfa/<serial>} for a hardware token's vendor serial.
     */
    public static String mfa(String accountId, String serialNumber) {
        if (serialNumber.startsWith("arn:")) {
            return serialNumber;
        }
        return "arn:aws:iam::" + accountId + ":mfa/" + serialNumber;
    }

    /** {@code arn:aws:iam::<acct>:mfa/<path-without-leading-slash><name>}. */
    public static String virtualMfa(String accountId, String path, String deviceName) {
        return "arn:aws:iam::" + accountId + ":mfa" + path + deviceName;
    }
}
