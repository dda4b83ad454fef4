package dev.dualkey.gateway.console.html;

import java.util.Objects;

/**
 * A fragment of HTML that is already safe to insert into a page: either produced by {@link Html}, which
 * escapes every piece of text it is given, or loaded from a template file shipped with the server.
 * Plain {@code String}s are never inserted raw; the type makes "forgot to escape" a compile error.
 */
public final class SafeHtml {
    /** The empty fragment. */
    public static final SafeHtml EMPTY = new SafeHtml("");

    private final String html;

    private SafeHtml(String html) {
        this.html = html;
    }

    /** For trusted markup only: template files and {@link Html}'s builders. Never call with user input. */
    static SafeHtml trusted(String html) {
        return new SafeHtml(Objects.requireNonNull(html, "html"));
    }

    /** Concatenates fragments. */
    public static SafeHtml concat(SafeHtml... parts) {
        StringBuilder sb = new StringBuilder();
        for (SafeHtml p : parts) {
            sb.append(p.html);
        }
        return new SafeHtml(sb.toString());
    }

    /** Concatenates fragments. */
    public static SafeHtml concat(Iterable<SafeHtml> parts) {
        StringBuilder sb = new StringBuilder();
        for (SafeHtml p : parts) {
            sb.append(p.html);
        }
        return new SafeHtml(sb.toString());
    }

    /** The markup. */
    public String html() {
        return html;
    }

    @Override
    public String toString() {
        return html;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SafeHtml other && other.html.equals(html);
    }

    @Override
    public int hashCode() {
        return html.hashCode();
    }
}
