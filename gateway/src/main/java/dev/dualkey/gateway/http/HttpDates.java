package dev.dualkey.gateway.http;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * HTTP dates as a server must send them: RFC 9110 section 5.6.7's IMF-fixdate, {@code Sat, 05 Dec 2026 07:01:02 GMT},
 * which is what S3 sends in {@code Date} and {@code Last-Modified}.
 *
 * <p>Why not {@link DateTimeFormatter#RFC_1123_DATE_TIME}: it writes the day of the month without its leading zero
 * ({@code Sat, 5 Dec 2026 ...}), which RFC 1123 allows and IMF-fixdate does not ({@code day = 2DIGIT}). Lenient
 * parsers (the AWS SDKs, botocore) read both; strict ones do not: on the 1st to the 9th of every month rclone logged
 * {@code Couldn't parse Date: from server ...} (Go's {@code http.ParseTime}), so its clock-skew check could not read
 * the server's clock, and a client or proxy that parses these headers with the RFC's one format fails the same way.
 *
 * <p>The date is written by hand rather than by a {@link DateTimeFormatter}: {@code Last-Modified} is on every GET and
 * HEAD. 41 ns per value against the formatter's 200 ns ({@code compat-tests/bench/cost/HttpDateCost.java}, medians of
 * 7 rounds of 1M); the formatter's frames were 1.5% of the server's CPU in a profile of 4 KiB GETs (issue 19).
 */
public final class HttpDates {
    /** Indexed by {@code floorMod(epochDay + 3, 7)}: 1970-01-01 was a Thursday. */
    private static final String[] DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
            "Nov", "Dec"};
    /** The same format for years IMF-fixdate's four digits cannot hold (never an object's or the server's time). */
    private static final DateTimeFormatter OUT_OF_RANGE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private HttpDates() {
    }

    /** {@code t} as an IMF-fixdate, to the second (the fraction is dropped, as every HTTP date does). */
    public static String format(Instant t) {
        return formatEpochSecond(t.getEpochSecond());
    }

    /** The IMF-fixdate of the second {@code epochSecond} (seconds since 1970-01-01T00:00:00Z). */
    public static String formatEpochSecond(long epochSecond) {
        long epochDay = Math.floorDiv(epochSecond, 86_400L);
        int secondOfDay = (int) Math.floorMod(epochSecond, 86_400L);
        LocalDate date = LocalDate.ofEpochDay(epochDay);
        int year = date.getYear();
        if (year < 1000 || year > 9999) {
            return OUT_OF_RANGE.format(Instant.ofEpochSecond(epochSecond));
        }
        char[] c = new char[29];
        String dow = DAYS[(int) Math.floorMod(epochDay + 3, 7L)];
        String month = MONTHS[date.getMonthValue() - 1];
        c[0] = dow.charAt(0);
        c[1] = dow.charAt(1);
        c[2] = dow.charAt(2);
        c[3] = ',';
        c[4] = ' ';
        twoDigits(c, 5, date.getDayOfMonth());
        c[7] = ' ';
        c[8] = month.charAt(0);
        c[9] = month.charAt(1);
        c[10] = month.charAt(2);
        c[11] = ' ';
        twoDigits(c, 12, year / 100);
        twoDigits(c, 14, year % 100);
        c[16] = ' ';
        twoDigits(c, 17, secondOfDay / 3600);
        c[19] = ':';
        twoDigits(c, 20, secondOfDay / 60 % 60);
        c[22] = ':';
        twoDigits(c, 23, secondOfDay % 60);
        c[25] = ' ';
        c[26] = 'G';
        c[27] = 'M';
        c[28] = 'T';
        return new String(c);
    }

    private static void twoDigits(char[] c, int at, int value) {
        c[at] = (char) ('0' + value / 10);
        c[at + 1] = (char) ('0' + value % 10);
    }
}
