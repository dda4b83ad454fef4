package dev.dualkey.mfa.policy;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Condition key names a policy may use. Every key has a vendor prefix ({@code aws:}, {@code s3:}, ...), as
 * IAM requires. Keys of the {@code aws:} namespace must be AWS global condition keys (the list of "AWS global
 * condition context keys"): IAM itself accepts any name there, but a misspelt global key
 * ({@code aws:MultiFactorAuthPresnt}) is never in a request, so a Deny conditioned on it would silently never
 * apply; Dualkey refuses it instead (stricter than IAM). Names are compared case-insensitively, as IAM does.
 */
final class ConditionKeys {
    /** AWS global condition keys without a tag suffix. */
    private static final Set<String> GLOBAL = lower(List.of(
            "aws:CalledVia", "aws:CalledViaFirst", "aws:CalledViaLast", "aws:CurrentTime", "aws:EpochTime",
            "aws:FederatedProvider", "aws:MultiFactorAuthAge", "aws:MultiFactorAuthPresent",
            "aws:PrincipalAccount", "aws:PrincipalArn", "aws:PrincipalIsAWSService", "aws:PrincipalOrgID",
            "aws:PrincipalOrgPaths", "aws:PrincipalServiceName", "aws:PrincipalServiceNamesList",
            "aws:PrincipalType", "aws:referer", "aws:RequestedRegion", "aws:ResourceAccount", "aws:ResourceOrgID",
            "aws:ResourceOrgPaths", "aws:SecureTransport", "aws:SourceAccount", "aws:SourceArn",
            "aws:SourceIdentity", "aws:SourceIp", "aws:SourceOrgID", "aws:SourceOrgPaths", "aws:SourceVpc",
            "aws:SourceVpcArn", "aws:SourceVpce", "aws:TagKeys", "aws:TokenIssueTime", "aws:UserAgent",
            "aws:userid", "aws:username", "aws:ViaAWSService", "aws:VpcSourceIp", "aws:Ec2InstanceSourceVpc",
            "aws:Ec2InstanceSourcePrivateIPv4", "aws:VpceAccount", "aws:VpceOrgID", "aws:VpceOrgPaths",
            "aws:AssumedRoot", "aws:ChatbotSourceArn", "aws:ViaAWSMCPService", "aws:CalledViaAWSMCP"));
    /** Global keys that take a tag key after a slash. */
    private static final List<String> GLOBAL_PREFIXES = List.of("aws:principaltag/", "aws:requesttag/",
            "aws:resourcetag/");

    private ConditionKeys() {
    }

    /** Throws MalformedPolicyDocument for a key without vendor or an unknown {@code aws:} key. */
    static void check(String key) {
        int colon = key.indexOf(':');
        if (colon <= 0 || colon == key.length() - 1 || !PolicyParser.validKeyName(key)) {
            throw PolicyParser.malformed(PolicyParser.VENDOR);
        }
        String vendor = key.substring(0, colon);
        if (!vendor.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-' || c == '.')) {
            throw PolicyParser.malformed("Vendor " + vendor + " is not valid");
        }
        String lower = key.toLowerCase(Locale.ROOT);
        if (vendor.equalsIgnoreCase("aws") && !GLOBAL.contains(lower)
                && GLOBAL_PREFIXES.stream().noneMatch(p -> lower.startsWith(p) && lower.length() > p.length())) {
            throw PolicyParser.malformed("Condition key " + key + " is not an AWS global condition key.");
        }
    }

    private static Set<String> lower(List<String> keys) {
        return keys.stream().map(k -> k.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }
}
