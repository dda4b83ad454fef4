package dev.dualkey.gateway.cli.admin;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table for people: columns padded to their widest cell (or a fixed width when streaming). */
final class Table {
    private final List<String[]> rows = new ArrayList<>();
    private final int[] widths;

    Table(String... header) {
        widths = new int[header.length];
        add(header);
    }

    Table add(String... cells) {
        String[] clean = new String[widths.length];
        for (int i = 0; i < widths.length; i++) {
            clean[i] = cell(i < cells.length ? cells[i] : "");
            widths[i] = Math.max(widths[i], clean[i].length());
        }
        rows.add(clean);
        return this;
    }

    void print(PrintWriter out) {
        rows.forEach(r -> out.println(line(widths, r)));
    }

    /** One row padded to {@code widths} (cells longer than their width push the rest right). */
    static String line(int[] widths, String... cells) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            String c = cell(cells[i]);
            b.append(c);
            if (i < cells.length - 1) {
                b.append(" ".repeat(Math.max(1, widths[i] - c.length() + 2)));
            }
        }
        return b.toString().stripTrailing();
    }

    /** Tabs and line breaks in stored values must not break the one-row-per-line format. */
    private static String cell(String s) {
        return s == null || s.isEmpty() ? "-" : s.replaceAll("[\\t\\r\\n]", " ");
    }
}
