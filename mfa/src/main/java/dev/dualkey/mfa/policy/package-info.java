/**
 * IAM identity policies, as AWS evaluates them. {@link dev.dualkey.mfa.policy.PolicyParser} validates a
 * document as PutUserPolicy does (IAM's MalformedPolicyDocument messages) and compiles it once;
 * {@link dev.dualkey.mfa.policy.PolicyCache} keeps parsed policies by content;
 * {@link dev.dualkey.mfa.policy.PolicyEvaluator} decides a {@link dev.dualkey.mfa.policy.RequestContext}: explicit
 * Deny wins, default deny, {@code *}/{@code ?} wildcards ({@link dev.dualkey.mfa.policy.Wildcards}), policy
 * variables in 2012-10-17 documents only ({@code PolicyString}), and every IAM condition operator with
 * {@code IfExists} and the {@code ForAnyValue:}/{@code ForAllValues:} set qualifiers ({@code ConditionEvaluator}).
 * The cases of {@code PolicyConformanceTest} (test resource {@code conformance.json}) state the expected
 * decisions. Pure: no storage, no clock (time comes in as {@code aws:CurrentTime}/{@code aws:EpochTime}).
 */
package dev.dualkey.mfa.policy;
