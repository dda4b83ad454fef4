package dev.dualkey.gateway.iam.validate;

import java.util.Objects;

/**
 * One declared input member of an IAM action: its wire name, shape, whether it is required, and whether
 * it is a scalar, a list of scalars ({@code Name.member.N}) or a tag list
 * ({@code Tags.member.N.Key}/{@code .Value}).
 *
 * @param maxMembers maximum list size ({@code tagListType}/{@code tagKeyListType}: 50); 0 for scalars
 */
public record Param(String name, IamShape shape, boolean required, Kind kind, int maxMembers) {

    /** How a member is laid out in the query. */
    public enum Kind { SCALAR, LIST, TAG_LIST }

    /** Max size of {@code tagListType} and {@code tagKeyListType}. */
    public static final int MAX_TAGS = 50;

    public Param {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(kind, "kind");
    }

    public static Param required(String name, IamShape shape) {
        return new Param(name, shape, true, Kind.SCALAR, 0);
    }

    public static Param optional(String name, IamShape shape) {
        return new Param(name, shape, false, Kind.SCALAR, 0);
    }

    /** {@code Tags.member.N.Key/Value}, at most 50. */
    public static Param tags(String name, boolean required) {
        return new Param(name, IamShape.TAG_KEY, required, Kind.TAG_LIST, MAX_TAGS);
    }

    /** {@code Name.member.N} of strings of the given shape, at most {@code maxMembers}. */
    public static Param list(String name, IamShape shape, boolean required, int maxMembers) {
        return new Param(name, shape, required, Kind.LIST, maxMembers);
    }

    /** The member name as IAM spells it in validation messages: lower camel case, e.g. {@code userName}. */
    public String memberName() {
        return Character.toLowerCase(name.charAt(0)) + name.substring(1);
    }
}
