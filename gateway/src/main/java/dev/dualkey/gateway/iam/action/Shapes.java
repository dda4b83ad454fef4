package dev.dualkey.gateway.iam.action;

import dev.dualkey.gateway.iam.directory.IamUser;
import dev.dualkey.gateway.iam.validate.IamTag;
import dev.dualkey.gateway.iam.xml.IamXmlWriter;
import java.util.List;
import java.util.function.BiConsumer;

/** Writers for IAM output shapes shared by several actions (User, Tag lists, paging fields). */
final class Shapes {
    private Shapes() {}

    /** The members of the {@code User} shape (inside an element the caller opened). */
    static void userMembers(IamXmlWriter x, IamUser u) {
        x.text("Path", u.path())
                .text("UserName", u.userName())
                .text("UserId", u.userId())
                .text("Arn", u.arn())
                .timestamp("CreateDate", u.createDate())
                .timestamp("PasswordLastUsed", u.passwordLastUsed());
        if (!u.tags().isEmpty()) {
            tags(x, "Tags", u.tags());
        }
    }

    static void user(IamXmlWriter x, String element, IamUser u) {
        x.start(element);
        userMembers(x, u);
        x.end();
    }

    /** {@code <Tags><member><Key/><Value/></member>...</Tags>}. */
    static void tags(IamXmlWriter x, String element, List<IamTag> tags) {
        x.start(element);
        for (IamTag t : tags) {
            x.start("member").text("Key", t.key()).text("Value", t.value()).end();
        }
        x.end();
    }

    /** A list of structures plus {@code IsTruncated} and, when truncated, {@code Marker}. */
    static <T> void page(IamXmlWriter x, String element, Page<T> page, BiConsumer<IamXmlWriter, T> member) {
        x.start(element);
        for (T item : page.items()) {
            x.start("member");
            member.accept(x, item);
            x.end();
        }
        x.end();
        x.bool("IsTruncated", page.truncated()).text("Marker", page.nextMarker());
    }
}
