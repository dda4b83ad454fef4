/**
 * HTML for the web console: the one escaper ({@link dev.dualkey.gateway.console.html.Html}), the
 * {@link dev.dualkey.gateway.console.html.SafeHtml} type that separates checked markup from text, and
 * file templates with escaped placeholders. There is no other way to put text on a console page.
 */
package dev.dualkey.gateway.console.html;
