package dev.dualkey.gateway.console.page;

import dev.dualkey.gateway.authz.PolicyPublicity;
import dev.dualkey.gateway.authz.PublicAccessBlock;
import dev.dualkey.gateway.console.html.Html;
import dev.dualkey.gateway.console.html.SafeHtml;
import dev.dualkey.gateway.console.page.PageRenderer.Section;
import dev.dualkey.gateway.console.web.ConsoleRequest;
import dev.dualkey.gateway.console.web.ConsoleResponse;
import dev.dualkey.gateway.identity.CanonicalIds;
import dev.dualkey.mfa.error.MalformedPolicyDocumentException;
import dev.dualkey.mfa.policy.BucketPolicyParser;
import dev.dualkey.mfa.policy.ResourcePolicy;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.model.BucketInfo;
import java.util.Objects;

/**
 * A bucket's permissions page ({@code GET /buckets/{bucket}/access}): owner (canonical id), ACL (owner grant),
 * object ownership, Block Public Access and the bucket policy with its public status; the owner edits the policy
 * in a JSON textarea ({@code POST /buckets/{bucket}/policy}, CSRF-guarded like every console form), validated by
 * the same parser and with the same messages as PutBucketPolicy (MalformedPolicy texts, BlockPublicPolicy refusal),
 * and authorized as {@code s3:GetBucketPolicy} / {@code s3:PutBucketPolicy} / {@code s3:DeleteBucketPolicy}
 * through the console's one authorizer. Only the owning account sees the page, as only it may manage the policy.
 */
final class AccessPages {
    private final ObjectStore store;
    private final Authorizer authorizer;
    private final PageRenderer renderer;
    private final BucketPolicyParser.KnownPrincipals principals;
    private final BucketPages buckets;

    AccessPages(ObjectStore store, Authorizer authorizer, PageRenderer renderer,
                BucketPolicyParser.KnownPrincipals principals, BucketPages buckets) {
        this.store = Objects.requireNonNull(store, "store");
        this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
        this.renderer = Objects.requireNonNull(renderer, "renderer");
        this.principals = Objects.requireNonNull(principals, "principals");
        this.buckets = Objects.requireNonNull(buckets, "buckets");
    }

    /** GET /buckets/{bucket}/access. */
    ConsoleResponse page(ConsoleRequest req, ConsoleUser user, boolean showUsers, String bucket) {
        return render(user, showUsers, bucket, null, null, req.query().get("n"));
    }

    private ConsoleResponse render(ConsoleUser user, boolean showUsers, String bucket, String draft, String error,
                                   String notice) {
        BucketInfo info = buckets.ownedBucket(user, bucket);
        if (info == null) {
            return buckets.notFound(user, showUsers);
        }
        String arn = Authorizer.bucketArn(bucket);
        String canonical = CanonicalIds.of(info.ownerAccountId());
        SafeHtml owner = card("Owner", "owner-title", SafeHtml.concat(
                Html.el("p", SafeHtml.concat(Html.text("Account " + info.ownerAccountId() + ", canonical user id "),
                        Html.el("code", canonical)))));
        SafeHtml acl = card("Access control list (ACL)", "acl-title", Html.el("table", SafeHtml.concat(
                Html.el("thead", Html.el("tr", SafeHtml.concat(Html.el("th", "Grantee"), Html.el("th", "Permission")))),
                Html.el("tbody", Html.el("tr", SafeHtml.concat(Html.el("td", "Bucket owner (" + canonical + ")"),
                        Html.el("td", "FULL_CONTROL")))))));
        String ownership = info.config().subresource("ownershipControls");
        SafeHtml own = card("Object Ownership", "ownership-title", Html.el("p", Html.text(ownership == null
                ? "Bucket owner enforced (default): ACLs grant nothing beyond the owner." : ownership)));
        PublicAccessBlock pab = PublicAccessBlock.of(info.config());
        SafeHtml block = card("Block Public Access", "pab-title", PublicAccessBlock.configured(info.config())
                ? Html.el("ul", SafeHtml.concat(flag("BlockPublicAcls", pab.blockPublicAcls()),
                        flag("IgnorePublicAcls", pab.ignorePublicAcls()),
                        flag("BlockPublicPolicy", pab.blockPublicPolicy()),
                        flag("RestrictPublicBuckets", pab.restrictPublicBuckets())))
                : Html.el("p", Html.text("Not configured: nothing is blocked for this bucket.")));
        SafeHtml policy;
        if (!authorizer.allowed(user, "s3:GetBucketPolicy", arn)) {
            policy = card("Bucket policy", "policy-title",
                    Html.el("p", Html.text("You are not allowed to read this bucket's policy (s3:GetBucketPolicy).")));
        } else {
            String stored = info.config().policyJson();
            String text = draft != null ? draft : stored == null ? "" : stored;
            String status = stored == null ? "No policy." : isPublic(stored, bucket)
                    ? "Public: the policy grants access to everyone." : "Not public.";
            String csrf = renderer.csrfFor(user);
            SafeHtml edit = Forms.post("/buckets/" + bucket + "/policy", csrf, "stacked",
                    Html.el("label", Html.text("Policy (JSON)"), "for", "policy"),
                    Html.el("textarea", Html.text(text), "id", "policy", "name", "policy", "rows", "16",
                            "cols", "100", "spellcheck", "false"),
                    Html.el("div", SafeHtml.concat(Forms.submit("Save policy", "primary"),
                            Html.el("button", Html.text("Delete policy"), "type", "submit", "name", "delete",
                                    "value", "1", "class", "danger")), "class", "actions"));
            policy = card("Bucket policy", "policy-title", SafeHtml.concat(
                    Html.el("p", Html.text(status), "id", "policy-status"), edit));
        }
        SafeHtml body = SafeHtml.concat(Html.el("p", SafeHtml.concat(Html.link("/buckets", "Buckets"),
                Html.text(" / "), Html.link("/buckets/" + bucket, bucket), Html.text(" / Permissions")),
                "class", "crumbs"), owner, policy, block, own, acl);
        String note = "saved".equals(notice) ? "The bucket policy was saved."
                : "deleted".equals(notice) ? "The bucket policy was deleted." : null;
        return renderer.page(error == null ? 200 : 400, user, Section.BUCKETS, showUsers, bucket + ": permissions",
                note, error, body);
    }

    /** POST /buckets/{bucket}/policy: save ({@code policy}) or delete ({@code delete=1}) the bucket policy. */
    ConsoleResponse submit(ConsoleRequest req, ConsoleUser user, boolean showUsers, String bucket) {
        BucketInfo info = buckets.ownedBucket(user, bucket);
        if (info == null) {
            return buckets.notFound(user, showUsers);
        }
        String arn = Authorizer.bucketArn(bucket);
        String document = req.form().get("policy");
        if ("1".equals(req.form().get("delete"))) {
            if (!authorizer.allowed(user, "s3:DeleteBucketPolicy", arn)) {
                return render(user, showUsers, bucket, document, "Access Denied (s3:DeleteBucketPolicy).", null);
            }
            store.updateBucket(bucket, c -> c.withPolicyJson(null));
            return ConsoleResponse.redirect("/buckets/" + bucket + "/access?n=deleted");
        }
        if (!authorizer.allowed(user, "s3:PutBucketPolicy", arn)) {
            return render(user, showUsers, bucket, document, "Access Denied (s3:PutBucketPolicy).", null);
        }
        ResourcePolicy parsed;
        try {
            parsed = BucketPolicyParser.parse(document == null ? "" : document, bucket, principals);
        } catch (MalformedPolicyDocumentException e) {
            return render(user, showUsers, bucket, document, "MalformedPolicy: " + e.getMessage(), null);
        }
        boolean publicPolicy = PolicyPublicity.isPublic(parsed);
        boolean[] blocked = {false};
        store.updateBucket(bucket, c -> {
            if (publicPolicy && PublicAccessBlock.of(c).blockPublicPolicy()) {
                blocked[0] = true;
                return c;
            }
            return c.withPolicyJson(document);
        });
        if (blocked[0]) {
            return render(user, showUsers, bucket, document, "Access Denied: Block Public Access"
                    + " (BlockPublicPolicy) refuses a public policy.", null);
        }
        return ConsoleResponse.redirect("/buckets/" + bucket + "/access?n=saved");
    }

    private static boolean isPublic(String stored, String bucket) {
        try {
            return PolicyPublicity.isPublic(BucketPolicyParser.parse(stored, bucket,
                    BucketPolicyParser.KnownPrincipals.ANY));
        } catch (MalformedPolicyDocumentException e) {
            return false;
        }
    }

    private static SafeHtml flag(String name, boolean on) {
        return Html.el("li", SafeHtml.concat(Html.text(name + ": "),
                Html.el("span", Html.text(on ? "On" : "Off"), "class", on ? "badge on" : "badge")));
    }

    private static SafeHtml card(String title, String id, SafeHtml content) {
        return Html.el("section", SafeHtml.concat(Html.el("h2", Html.text(title), "id", id), content),
                "class", "card", "aria-labelledby", id);
    }
}
