package dev.dualkey.gateway.console.page;

import dev.dualkey.gateway.console.html.Html;
import dev.dualkey.gateway.console.html.SafeHtml;
import dev.dualkey.gateway.console.web.CsrfGuard;

/** Small form pieces every page uses, so labels and ids stay consistent. */
final class Forms {
    private Forms() {
    }

    /** The hidden CSRF field. */
    static SafeHtml csrf(String token) {
        return Html.voidEl("input", "type", "hidden", "name", CsrfGuard.FIELD, "value", token);
    }

    /** A hidden field. */
    static SafeHtml hidden(String name, String value) {
        return Html.voidEl("input", "type", "hidden", "name", name, "value", value);
    }

    /** A label plus text input. */
    static SafeHtml text(String id, String name, String label, String value, String... extra) {
        String[] attrs = new String[8 + extra.length];
        attrs[0] = "id";
        attrs[1] = id;
        attrs[2] = "name";
        attrs[3] = name;
        attrs[4] = "type";
        attrs[5] = "text";
        attrs[6] = "value";
        attrs[7] = value;
        System.arraycopy(extra, 0, attrs, 8, extra.length);
        return SafeHtml.concat(Html.el("label", Html.text(label), "for", id), Html.voidEl("input", attrs));
    }

    /** A label plus a 6-digit code input. */
    static SafeHtml code(String id, String name, String label) {
        return text(id, name, label, "", "inputmode", "numeric", "pattern", "[0-9]{6}", "maxlength", "6",
                "autocomplete", "one-time-code", "required", "");
    }

    /** A label plus password input. */
    static SafeHtml password(String id, String name, String label, String autocomplete) {
        return SafeHtml.concat(Html.el("label", Html.text(label), "for", id),
                Html.voidEl("input", "id", id, "name", name, "type", "password", "autocomplete", autocomplete,
                        "required", ""));
    }

    /** A POST form. */
    static SafeHtml post(String action, String csrfToken, String cssClass, SafeHtml... body) {
        return Html.el("form", SafeHtml.concat(csrf(csrfToken), SafeHtml.concat(body)), "method", "post",
                "action", action, "class", cssClass);
    }

    /** A submit button. */
    static SafeHtml submit(String text, String cssClass) {
        return Html.el("button", Html.text(text), "type", "submit", "class", cssClass);
    }
}
