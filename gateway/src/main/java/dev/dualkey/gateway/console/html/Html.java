package dev.dualkey.gateway.console.html;

import java.util.regex.Pattern;

/**
 * The console's one HTML escaper plus a few builders for markup that pages assemble in code. Every
 * string that reaches a page goes through {@link #text(String)} or {@link #attr(String)}; templates
 * escape their placeholders with the same functions.
 */
public final class Html {
    private static final Pattern TAG_NAME = Pattern.compile("[a-z][a-z0-9]*");
    private static final Pattern ATTR_NAME = Pattern.compile("[a-z][a-z0-9-]*");

    private Html() {
    }

    /**
     * Escapes text for element content and for double- or single-quoted attribute values. Besides the five
     * markup characters it escapes the backtick (old IE attribute delimiter) and drops characters that are
     * not allowed in HTML documents (NUL and other C0 controls except tab, LF, CR; lone surrogates).
     */
    public static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String rep = switch (c) {
                case '&' -> "&amp;";
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '"' -> "&quot;";
                case '\'' -> "&#39;";
                case '`' -> "&#96;";
                default -> null;
            };
            boolean drop = rep == null && isForbidden(s, i, c);
            if (rep != null || drop) {
                if (sb == null) {
                    sb = new StringBuilder(s.length() + 16);
                    sb.append(s, 0, i);
                }
                if (rep != null) {
                    sb.append(rep);
                } else {
                    sb.append('\uFFFD');
                }
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? s : sb.toString();
    }

    private static boolean isForbidden(String s, int i, char c) {
        if (c < 0x20) {
            return c != '\t' && c != '\n' && c != '\r';
        }
        if (c == 0x7f) {
            return true;
        }
        if (Character.isHighSurrogate(c)) {
            return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
        }
        if (Character.isLowSurrogate(c)) {
            return i == 0 || !Character.isHighSurrogate(s.charAt(i - 1));
        }
        return false;
    }

    /** Escaped text as a fragment. */
    public static SafeHtml text(String s) {
        return SafeHtml.trusted(escape(s));
    }

    /** An element with escaped text content, e.g. {@code el("td", name)}. */
    public static SafeHtml el(String tag, String text) {
        return el(tag, text(text));
    }

    /** An element wrapping a fragment. */
    public static SafeHtml el(String tag, SafeHtml content) {
        checkTag(tag);
        return SafeHtml.trusted("<" + tag + ">" + content.html() + "</" + tag + ">");
    }

    /**
     * An element with attributes given as name/value pairs (values escaped; a {@code null} value omits the
     * attribute, an empty string writes a boolean attribute).
     */
    public static SafeHtml el(String tag, SafeHtml content, String... attrs) {
        return SafeHtml.trusted(open(tag, attrs) + content.html() + "</" + tag + ">");
    }

    /** A void element (input, img, meta, ...) with attributes as for {@link #el(String, SafeHtml, String...)}. */
    public static SafeHtml voidEl(String tag, String... attrs) {
        return SafeHtml.trusted(open(tag, attrs));
    }

    /** A link; {@code href} must be a same-origin path (starts with a single '/'), anything else is refused. */
    public static SafeHtml link(String href, String text) {
        if (!href.startsWith("/") || href.startsWith("//")) {
            throw new IllegalArgumentException("console links are same-origin paths");
        }
        return el("a", text(text), "href", href);
    }

    private static String open(String tag, String... attrs) {
        checkTag(tag);
        if (attrs.length % 2 != 0) {
            throw new IllegalArgumentException("attributes come in name/value pairs");
        }
        StringBuilder sb = new StringBuilder("<").append(tag);
        for (int i = 0; i < attrs.length; i += 2) {
            String name = attrs[i];
            String value = attrs[i + 1];
            if (!ATTR_NAME.matcher(name).matches() || name.startsWith("on")) {
                throw new IllegalArgumentException("attribute not allowed: " + name);
            }
            if (value == null) {
                continue;
            }
            sb.append(' ').append(name);
            if (!value.isEmpty()) {
                sb.append("=\"").append(escape(value)).append('"');
            }
        }
        return sb.append('>').toString();
    }

    private static void checkTag(String tag) {
        if (!TAG_NAME.matcher(tag).matches() || tag.equals("script") || tag.equals("style")) {
            throw new IllegalArgumentException("tag not allowed: " + tag);
        }
    }
}
