package dev.dualkey.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** HTTP dates are RFC 9110's IMF-fixdate: two-digit day, English names, GMT, to the second. */
class HttpDatesTest {
    /** RFC 9110 section 5.6.7's IMF-fixdate, field by field. */
    private static final Pattern IMF_FIXDATE = Pattern.compile(
            "(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{4} "
                    + "[0-9]{2}:[0-9]{2}:[0-9]{2} GMT");
    private static final DateTimeFormatter REFERENCE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    @Test
    void theDayOfTheMonthHasItsLeadingZero() {
        assertEquals("Sat, 05 Dec 2026 07:01:02 GMT", HttpDates.format(Instant.parse("2026-12-05T07:01:02Z")));
        assertEquals("Sun, 06 Nov 1994 08:49:37 GMT", HttpDates.format(Instant.parse("1994-11-06T08:49:37Z")),
                "RFC 9110's own example");
        assertEquals("Thu, 01 Jan 1970 00:00:00 GMT", HttpDates.formatEpochSecond(0));
        assertEquals("Wed, 31 Dec 1969 23:59:59 GMT", HttpDates.formatEpochSecond(-1));
    }

    @Test
    void theFractionOfTheSecondIsDropped() {
        assertEquals("Tue, 29 Feb 2028 23:59:59 GMT", HttpDates.format(Instant.parse("2028-02-29T23:59:59.999Z")));
        assertEquals("Wed, 01 Mar 2028 00:00:00 GMT", HttpDates.format(Instant.parse("2028-03-01T00:00:00.001Z")));
    }

    @Test
    void everyDayOfFourYearsMatchesTheReferenceFormatter() {
        SplittableRandom random = new SplittableRandom(19);
        long first = LocalDate.of(2026, 1, 1).toEpochDay();
        for (long day = first; day < first + 4 * 366; day++) {
            long second = day * 86_400L + random.nextInt(86_400);
            String text = HttpDates.formatEpochSecond(second);
            assertEquals(REFERENCE.format(Instant.ofEpochSecond(second)), text, "at " + second);
            assertTrue(IMF_FIXDATE.matcher(text).matches(), text);
            assertEquals(Instant.ofEpochSecond(second),
                    ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant(),
                    "what the gateway's own parsers (SigV4's Date, x-amz-copy-source-if-*) read back");
        }
    }

    @Test
    void randomSecondsAcrossTheFourDigitYearsMatchTheReferenceFormatter() {
        SplittableRandom random = new SplittableRandom(7);
        long min = Instant.parse("1000-01-01T00:00:00Z").getEpochSecond();
        long max = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
        for (int i = 0; i < 20_000; i++) {
            long second = random.nextLong(min, max + 1);
            assertEquals(REFERENCE.format(Instant.ofEpochSecond(second)), HttpDates.formatEpochSecond(second),
                    "at " + second);
        }
        assertEquals("Fri, 31 Dec 9999 23:59:59 GMT", HttpDates.formatEpochSecond(max));
        assertEquals("Wed, 01 Jan 1000 00:00:00 GMT", HttpDates.formatEpochSecond(min));
    }

    @Test
    void yearsBeyondFourDigitsStillFormat() {
        long later = Instant.parse("+10000-01-01T00:00:00Z").getEpochSecond();
        assertEquals(REFERENCE.format(Instant.ofEpochSecond(later)), HttpDates.formatEpochSecond(later));
        long earlier = Instant.parse("0999-12-31T23:59:59Z").getEpochSecond();
        assertEquals("Tue, 31 Dec 0999 23:59:59 GMT", HttpDates.formatEpochSecond(earlier));
    }
}
