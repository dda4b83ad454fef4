package dev.dualkey.gateway.console.html;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class HtmlTest {
    @Test
    void escapesMarkupQuotesAndBacktick() {
        assertEquals("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39; &#96;",
                Html.escape("<script>alert(\"x\")</script> & 'y' `"));
    }

    @Test
    void leavesPlainTextAloneAndKeepsNonAscii() {
        assertEquals("Zürich photos/2024 ✓", Html.escape("Zürich photos/2024 ✓"));
        assertEquals("😀", Html.escape("😀"));
    }

    @Test
    void replacesControlCharactersAndLoneSurrogates() {
        assertEquals("a\uFFFDb\tc\n", Html.escape("a\u0000b\tc\n"));
        assertEquals("x\uFFFDy", Html.escape("x\uD800y"));
        assertEquals("", Html.escape(null));
    }

    @Test
    void elementBuildersEscapeTextAndAttributes() {
        SafeHtml td = Html.el("td", "<b>");
        assertEquals("<td>&lt;b&gt;</td>", td.html());
        SafeHtml input = Html.voidEl("input", "type", "hidden", "name", "key", "value", "a\"onmouseover=\"x");
        assertEquals("<input type=\"hidden\" name=\"key\" value=\"a&quot;onmouseover=&quot;x\">", input.html());
        assertEquals("<button disabled>Go</button>", Html.el("button", Html.text("Go"), "disabled", "").html());
    }

    @Test
    void refusesScriptTagsEventHandlersAndOffSiteLinks() {
        assertThrows(IllegalArgumentException.class, () -> Html.el("script", "x"));
        assertThrows(IllegalArgumentException.class, () -> Html.voidEl("img", "onerror", "x"));
        assertThrows(IllegalArgumentException.class, () -> Html.link("javascript:alert(1)", "x"));
        assertThrows(IllegalArgumentException.class, () -> Html.link("//evil.example/", "x"));
        assertEquals("<a href=\"/buckets?b=a&amp;c\">x</a>", Html.link("/buckets?b=a&c", "x").html());
    }

    @Test
    void templateEscapesStringsAndInsertsSafeHtml() {
        Template t = new Template("t", "<p title=\"{{title}}\">{{body}}</p>");
        SafeHtml out = t.render(Map.of("title", "\"><img src=x>", "body", Html.el("b", "hi")));
        assertEquals("<p title=\"&quot;&gt;&lt;img src=x&gt;\"><b>hi</b></p>", out.html());
    }

    @Test
    void templateRejectsMissingAndUnknownValues() {
        Template t = new Template("t", "{{a}}{{b}}");
        assertThrows(IllegalArgumentException.class, () -> t.render(Map.of("a", "1")));
        Map<String, Object> extra = new HashMap<>(Map.of("a", "1", "b", "2", "c", "3"));
        assertThrows(IllegalArgumentException.class, () -> t.render(extra));
        assertThrows(IllegalArgumentException.class, () -> t.render(Map.of("a", "1", "b", 2)));
    }

    @Test
    void shippedTemplatesLoad() {
        for (String name : new String[] {"layout", "nav", "signin-root", "signin-user", "signin-mfa", "signin-resync"}) {
            Template t = Template.load(name);
            assertEquals(false, t.placeholders().isEmpty(), name);
        }
        assertThrows(IllegalStateException.class, () -> Template.load("no-such-template"));
    }
}
