/**
 * Parsing of IAM Query requests: the strict form decoder ({@link dev.dualkey.gateway.iam.query.FormDecoder})
 * and the decoded parameter view with {@code X.member.N} list access
 * ({@link dev.dualkey.gateway.iam.query.QueryParams}).
 */
package dev.dualkey.gateway.iam.query;
