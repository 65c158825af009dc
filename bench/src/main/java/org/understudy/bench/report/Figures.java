package org.understudy.bench.report;

import java.util.Locale;

/** How the report tables write numbers, the same in every table. */
public final class Figures {

    private Figures() {}

    /** A whole number with thousands separators: {@code 1,234,567}. */
    public static String count(double value) {
        return String.format(Locale.ROOT, "%,.0f", value);
    }

    /** {@link #count} from 100 up, two decimals below: {@code 12,345}, {@code 42.50}. */
    public static String number(double value) {
        return value >= 100 ? count(value) : String.format(Locale.ROOT, "%.2f", value);
    }

    /**
     * {@code value} with {@code r}'s confidence half-width as a percentage of its score, or
     * {@code value} alone when JMH gave none: {@code 12,345 ± 7%}.
     */
    public static String withError(double value, JmhResult r) {
        double relative = r.relativeError();
        String number = number(value);
        return Double.isNaN(relative) ? number : number + " ± " + String.format(Locale.ROOT, "%.0f%%", relative * 100);
    }
}
