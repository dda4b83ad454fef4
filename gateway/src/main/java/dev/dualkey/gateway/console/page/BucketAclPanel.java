package dev.dualkey.gateway.console.page;

import dev.dualkey.gateway.acl.Acl;
import dev.dualkey.gateway.acl.DerivedCanonicalIds;
import dev.dualkey.gateway.acl.Grant;
import dev.dualkey.gateway.acl.Grantee;
import dev.dualkey.gateway.acl.ObjectOwnership;
import dev.dualkey.gateway.acl.ResourceAcls;
import dev.dualkey.gateway.console.html.Html;
import dev.dualkey.gateway.console.html.SafeHtml;
import dev.dualkey.storage.model.BucketInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The bucket page's "Access control list" card (read-only): the Object Ownership setting and the bucket ACL's
 * grants, as GetBucketOwnershipControls and GetBucketAcl answer them. Shown only to a user allowed
 * {@code s3:GetBucketAcl} on the bucket.
 */
final class BucketAclPanel {
    /** Forward derivation only (account id -> canonical id): no account list is needed to show an ACL. */
    private static final ResourceAcls ACLS = new ResourceAcls(new DerivedCanonicalIds(List::of));

    private BucketAclPanel() {
    }

    static SafeHtml render(BucketInfo bucket, boolean allowed) {
        SafeHtml title = Html.el("h2", Html.text("Access control list"), "id", "acl-title");
        if (!allowed) {
            return Html.el("section", SafeHtml.concat(title, Html.el("p",
                    Html.text("You are not allowed to read this bucket's ACL (s3:GetBucketAcl)."))),
                    "class", "card", "aria-labelledby", "acl-title");
        }
        Optional<ObjectOwnership> ownership = ObjectOwnership.configured(bucket.config());
        String setting = ownership.map(o -> o.wire() + (o.aclsEnabled() ? " (ACLs enabled)" : " (ACLs disabled)"))
                .orElse("not set (ACLs enabled; the uploading account owns each object)");
        Acl acl = ACLS.bucket(bucket);
        String owner = ACLS.ids().canonicalId(bucket.ownerAccountId());
        List<SafeHtml> rows = new ArrayList<>();
        for (Grant g : acl.grants()) {
            rows.add(Html.el("tr", SafeHtml.concat(
                    Html.el("td", grantee(g.grantee(), owner)),
                    Html.el("td", Html.el("code", g.permission().name())))));
        }
        SafeHtml table = rows.isEmpty() ? Html.el("p", Html.text("No grants: nobody but the owner has access."))
                : Html.el("table", SafeHtml.concat(
                        Html.el("thead", Html.el("tr", SafeHtml.concat(
                                Html.el("th", Html.text("Grantee"), "scope", "col"),
                                Html.el("th", Html.text("Permission"), "scope", "col")))),
                        Html.el("tbody", SafeHtml.concat(rows))), "class", "acl");
        return Html.el("section", SafeHtml.concat(title,
                Html.el("p", SafeHtml.concat(Html.text("Object Ownership: "), Html.el("strong", Html.text(setting)))),
                Html.el("p", SafeHtml.concat(Html.text("Owner (canonical user id): "), Html.el("code", owner))),
                table), "class", "card", "aria-labelledby", "acl-title");
    }

    private static SafeHtml grantee(Grantee g, String owner) {
        if (g.group()) {
            String name = switch (g.value()) {
                case Grantee.ALL_USERS -> "Everyone (public, AllUsers)";
                case Grantee.AUTHENTICATED_USERS -> "Any signed request (AuthenticatedUsers)";
                default -> "S3 log delivery (LogDelivery)";
            };
            return Html.text(name);
        }
        SafeHtml id = Html.el("code", g.value());
        return g.value().equals(owner) ? SafeHtml.concat(Html.text("Bucket owner "), id)
                : SafeHtml.concat(Html.text("Account "), id);
    }

}
