package jllm.generate.schema;

import java.util.Map;

/**
 * The formats a grammar enforces, as anchored regular expressions over the string's value. Dates follow
 * the calendar exactly: 30-day months, February's 28 days and its 29th in leap years (as {@link Formats}
 * checks them).
 */
final class FormatGrammars {
    private FormatGrammars() {
    }

    // leap years: divisible by 4 and not by 100 (yy04..yy96), or by 400 (0000, 0400, ..., 9600)
    private static final String LEAP_YEAR = "(\\d\\d(0[48]|[2468][048]|[13579][26])|(0[048]|[2468][048]|[13579][26])00)";
    private static final String DATE = "(\\d{4}-((0[13578]|1[02])-(0[1-9]|[12]\\d|3[01])|(0[469]|11)-(0[1-9]|[12]\\d|30)|02-(0[1-9]|1\\d|2[0-8]))"
            + "|" + LEAP_YEAR + "-02-29)";
    private static final String TIME = "([01]\\d|2[0-3]):[0-5]\\d:([0-5]\\d|60)(\\.\\d+)?([Zz]|[+-]([01]\\d|2[0-3]):[0-5]\\d)";
    private static final String LABEL = "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?";

    static final Map<String, String> PATTERNS = Map.of(
            "date", "^" + DATE + "$",
            "time", "^" + TIME + "$",
            "date-time", "^" + DATE + "[Tt]" + TIME + "$",
            "uuid", "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
            "email", "^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@" + LABEL + "(\\." + LABEL + ")*$",
            "ipv4", "^(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}$",
            "hostname", "^" + LABEL + "(\\." + LABEL + ")*$",
            "uri", "^[A-Za-z][A-Za-z0-9+.-]*:[^\\s<>\"{}|\\\\^`]*$",
            "uri-reference", "^[^\\s<>\"{}|\\\\^`]*$",
            "duration", "^P(\\d+W|(\\d+Y)?(\\d+M)?(\\d+D)?(T(\\d+H)?(\\d+M)?(\\d+S)?)?)$");
}
