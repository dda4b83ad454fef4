package dev.dualkey.mfa.policy;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Locale;
import java.util.regex.Pattern;

/** Parsing of typed condition values (numbers, dates, booleans, Base64), shared by the parser and the evaluator. */
final class ConditionValues {
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d{1,4})?");
    private static final Pattern EPOCH = Pattern.compile("-?\\d{1,19}(\\.\\d+)?");

    private ConditionValues() {
    }

    /** A number of the Numeric operators (integer or decimal), or null. */
    static BigDecimal number(String s) {
        String t = s.trim();
        if (t.length() > 64 || !NUMBER.matcher(t).matches()) {
            return null;
        }
        return new BigDecimal(t);
    }

    /**
     * A date of the Date operators: epoch seconds ({@code aws:EpochTime}) or ISO 8601 ({@code aws:CurrentTime}):
     * {@code 2026-12-02}, {@code 2026-12-02T07:00:00Z}, with fraction or offset, or without zone (UTC); or null.
     */
    static Instant date(String s) {
        String t = s.trim();
        if (t.isEmpty() || t.length() > 64) {
            return null;
        }
        if (EPOCH.matcher(t).matches()) {
            try {
                BigDecimal seconds = new BigDecimal(t);
                long whole = seconds.setScale(0, RoundingMode.FLOOR).longValueExact();
                int nanos = seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).intValue();
                return Instant.ofEpochSecond(whole, nanos);
            } catch (ArithmeticException | DateTimeException e) {
                return null;
            }
        }
        String u = t.toUpperCase(Locale.ROOT);
        try {
            return OffsetDateTime.parse(u, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            // try the next form
        }
        try {
            return LocalDateTime.parse(u, DateTimeFormatter.ISO_LOCAL_DATE_TIME).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            // try the next form
        }
        try {
            return LocalDate.parse(u, DateTimeFormatter.ISO_LOCAL_DATE).atStartOfDay().toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** {@code true}/{@code false} in any case, or null. */
    static Boolean bool(String s) {
        if (s.equalsIgnoreCase("true")) {
            return Boolean.TRUE;
        }
        if (s.equalsIgnoreCase("false")) {
            return Boolean.FALSE;
        }
        return null;
    }

    /** The bytes of a Base64 value of BinaryEquals, or null. */
    static byte[] binary(String s) {
        try {
            return Base64.getDecoder().decode(s.trim());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
