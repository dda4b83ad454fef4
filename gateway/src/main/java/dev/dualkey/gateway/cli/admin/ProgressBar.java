package dev.dualkey.gateway.cli.admin;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A one-line progress bar with rate and ETA for long operator commands, redrawn in place with {@code \r} on
 * stderr: {@code scrub [##########..........]  50%  512.0/1024.0 MiB  42.1 MiB/s  ETA 0:12}. Redraws at most
 * every {@value #REDRAW_MILLIS} ms (and at 100 %). Disabled (draws nothing) when stderr is not a terminal unless
 * forced. (No progress-bar library is on this project's Maven mirror; this is 60 lines.)
 */
final class ProgressBar {
    static final long REDRAW_MILLIS = 200;
    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final String label;
    private final boolean enabled;
    private final LongSupplier millis;
    private final long started;
    private long lastDraw = Long.MIN_VALUE;
    private boolean drawn;

    ProgressBar(PrintWriter err, String label, boolean enabled, LongSupplier millis) {
        this.err = err;
        this.label = label;
        this.enabled = enabled;
        this.millis = millis;
        this.started = millis.getAsLong();
    }

    void update(long done, long total) {
        if (!enabled) {
            return;
        }
        long now = millis.getAsLong();
        if (now - lastDraw < REDRAW_MILLIS && done < total) {
            return;
        }
        lastDraw = now;
        err.print("\r" + render(done, total, now - started));
        err.flush();
        drawn = true;
    }

    /** Ends the bar's line (if one was drawn). */
    void finish() {
        if (drawn) {
            err.println();
            err.flush();
        }
    }

    /** The bar text for {@code done} of {@code total} bytes after {@code elapsedMillis}. */
    String render(long done, long total, long elapsedMillis) {
        double frac = total <= 0 ? 1 : Math.min(1, (double) done / total);
        int filled = (int) Math.round(frac * WIDTH);
        double rate = elapsedMillis <= 0 ? 0 : done / (elapsedMillis / 1000.0);
        String eta = rate <= 0 || done >= total ? "--:--" : clock((long) ((total - done) / rate));
        return String.format(Locale.ROOT, "%s [%s%s] %3d%%  %.1f/%.1f MiB  %.1f MiB/s  ETA %s", label,
                "#".repeat(filled), ".".repeat(WIDTH - filled), Math.round(frac * 100), mib(done), mib(total),
                mib((long) rate), eta);
    }

    private static double mib(long bytes) {
        return bytes / 1048576.0;
    }

    private static String clock(long seconds) {
        return seconds >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60,
                seconds % 60) : String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    }
}
