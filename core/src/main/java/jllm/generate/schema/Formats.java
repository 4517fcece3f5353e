package jllm.generate.schema;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code format} values checked when format assertion is on (and enforced by the grammars made
 * from schemas): date, time, date-time (RFC 3339), email, uuid, ipv4, ipv6,
 * hostname, uri, uri-reference, duration. Other formats are annotations.
 */
public final class Formats {
    private Formats() {
    }

    /** The formats with a check (and a grammar). */
    public static final Set<String> CHECKED = Set.of("date", "time", "date-time", "email", "uuid", "ipv4", "ipv6",
            "hostname", "uri", "uri-reference", "duration");

    private static final Pattern DATE = Pattern.compile("(\\d{4})-(\\d{2})-(\\d{2})");
    private static final Pattern TIME = Pattern.compile("(\\d{2}):(\\d{2}):(\\d{2})(\\.\\d+)?([Zz]|[+-](\\d{2}):(\\d{2}))");
    private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
            + "@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\\[[0-9.]+\\])");
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern HOST = Pattern.compile("(?=.{1,253}\\z)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
    private static final Pattern URI = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:[^\\s<>\"{}|\\\\^`]*");
    private static final Pattern URI_REF = Pattern.compile("[^\\s<>\"{}|\\\\^`]*");
    private static final Pattern DURATION = Pattern.compile("P(?!\\z)(\\d+Y)?(\\d+M)?(\\d+W)?(\\d+D)?(T(?=\\d)(\\d+H)?(\\d+M)?(\\d+S)?)?");

    /** True when {@code s} is valid for {@code format}; unknown formats are annotations (always valid). */
    public static boolean check(String format, String s) {
        return switch (format) {
            case "date" -> date(s);
            case "time" -> time(s);
            case "date-time" -> {
                int t = s.indexOf('T') >= 0 ? s.indexOf('T') : s.indexOf('t');
                yield t == 10 && date(s.substring(0, 10)) && time(s.substring(11));
            }
            case "email" -> EMAIL.matcher(s).matches();
            case "uuid" -> UUID.matcher(s).matches();
            case "ipv4" -> IPV4.matcher(s).matches();
            case "ipv6" -> ipv6(s);
            case "hostname" -> HOST.matcher(s).matches();
            case "uri" -> URI.matcher(s).matches();
            case "uri-reference" -> URI_REF.matcher(s).matches();
            case "duration" -> DURATION.matcher(s).matches() && !s.endsWith("T");
            default -> true;
        };
    }

    private static boolean date(String s) {
        if (!DATE.matcher(s).matches()) {
            return false;
        }
        try {
            LocalDate.parse(s);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static boolean time(String s) {
        var m = TIME.matcher(s);
        if (!m.matches()) {
            return false;
        }
        int h = Integer.parseInt(m.group(1));
        int mi = Integer.parseInt(m.group(2));
        int sec = Integer.parseInt(m.group(3));
        if (h > 23 || mi > 59 || sec > 60) {
            return false;
        }
        if (m.group(6) != null && (Integer.parseInt(m.group(6)) > 23 || Integer.parseInt(m.group(7)) > 59)) {
            return false;
        }
        if (sec == 60) { // a leap second is at 23:59:60 UTC
            int off = m.group(6) == null ? 0 : (s.contains("+") ? 1 : -1) * (Integer.parseInt(m.group(6)) * 60 + Integer.parseInt(m.group(7)));
            int utc = Math.floorMod(h * 60 + mi - off, 24 * 60);
            return utc == 23 * 60 + 59;
        }
        return true;
    }

    private static boolean ipv6(String s) {
        if (!s.matches("[0-9A-Fa-f:.]+") || s.contains(":::")) {
            return false;
        }
        int dbl = s.indexOf("::");
        if (dbl >= 0 && s.indexOf("::", dbl + 1) >= 0) {
            return false;
        }
        String[] parts = s.split(":", -1);
        int groups = 0;
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (p.isEmpty()) {
                continue;
            }
            if (i == parts.length - 1 && p.contains(".")) {
                if (!IPV4.matcher(p).matches()) {
                    return false;
                }
                groups += 2;
            } else if (p.length() > 4 || p.contains(".")) {
                return false;
            } else {
                groups++;
            }
        }
        if ((s.startsWith(":") && !s.startsWith("::")) || (s.endsWith(":") && !s.endsWith("::"))) {
            return false;
        }
        return dbl >= 0 ? groups < 8 : groups == 8;
    }
}
