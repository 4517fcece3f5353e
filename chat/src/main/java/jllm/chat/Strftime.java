package jllm.chat;

import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.Locale;

/**
 * Python's {@code time.strftime} in the C locale, for {@code strftime_now(fmt)}. Supports the directives
 * templates use ({@code %d %b %Y} and friends) plus glibc's {@code %-d} (no padding); an unknown
 * directive is an error rather than a silent guess.
 */
final class Strftime {

    private Strftime() {
    }

    static String format(ZonedDateTime t, String pattern) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c != '%' || i + 1 == pattern.length()) {
                out.append(c);
                continue;
            }
            char d = pattern.charAt(++i);
            boolean pad = true;
            if (d == '-' && i + 1 < pattern.length()) {
                pad = false;
                d = pattern.charAt(++i);
            }
            out.append(switch (d) {
                case 'a' -> t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
                case 'A' -> t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
                case 'b', 'h' -> t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
                case 'B' -> t.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
                case 'd' -> number(t.getDayOfMonth(), 2, pad);
                case 'e' -> String.format("%2d", t.getDayOfMonth());
                case 'm' -> number(t.getMonthValue(), 2, pad);
                case 'y' -> number(t.getYear() % 100, 2, pad);
                case 'Y' -> Integer.toString(t.getYear());
                case 'H' -> number(t.getHour(), 2, pad);
                case 'I' -> number(t.getHour() % 12 == 0 ? 12 : t.getHour() % 12, 2, pad);
                case 'M' -> number(t.getMinute(), 2, pad);
                case 'S' -> number(t.getSecond(), 2, pad);
                case 'p' -> t.getHour() < 12 ? "AM" : "PM";
                case 'j' -> number(t.getDayOfYear(), 3, pad);
                case 'w' -> Integer.toString(t.getDayOfWeek().getValue() % 7);
                case 'u' -> Integer.toString(t.getDayOfWeek().getValue());
                case 'Z' -> t.getZone().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
                case 'z' -> t.getOffset().getId().equals("Z") ? "+0000" : t.getOffset().getId().replace(":", "");
                case 'F' -> t.getYear() + "-" + number(t.getMonthValue(), 2, true) + "-" + number(t.getDayOfMonth(), 2, true);
                case 'T' -> number(t.getHour(), 2, true) + ":" + number(t.getMinute(), 2, true) + ":" + number(t.getSecond(), 2, true);
                case '%' -> "%";
                default -> throw new IllegalArgumentException("strftime_now: unsupported directive %" + d + " in \"" + pattern + "\"");
            });
        }
        return out.toString();
    }

    private static String number(int value, int width, boolean pad) {
        String s = Integer.toString(value);
        return pad && s.length() < width ? "0".repeat(width - s.length()) + s : s;
    }
}
