package jllm.generate.schema;

/**
 * Translates a JSON Schema {@code pattern} (ECMA-262 syntax) to {@link java.util.regex.Pattern} syntax
 * where the two differ: {@code $} matches only at the very end, and {@code \d}, {@code \w} stay ASCII.
 */
final class EcmaRegex {
    private EcmaRegex() {
    }

    /** Unicode general categories by their long names, which java.util.regex does not know. */
    private static final java.util.Map<String, String> CATEGORIES = java.util.Map.ofEntries(
            java.util.Map.entry("Letter", "L"), java.util.Map.entry("Lowercase_Letter", "Ll"),
            java.util.Map.entry("Uppercase_Letter", "Lu"), java.util.Map.entry("Number", "N"),
            java.util.Map.entry("Decimal_Number", "Nd"), java.util.Map.entry("digit", "Nd"),
            java.util.Map.entry("Punctuation", "P"), java.util.Map.entry("Symbol", "S"),
            java.util.Map.entry("Mark", "M"), java.util.Map.entry("Separator", "Z"),
            java.util.Map.entry("Space_Separator", "Zs"), java.util.Map.entry("Other", "C"));

    static String toJava(String ecma) {
        StringBuilder out = new StringBuilder(ecma.length() + 8);
        boolean inClass = false;
        for (int i = 0; i < ecma.length(); i++) {
            char c = ecma.charAt(i);
            if (c == '\\' && i + 1 < ecma.length()) {
                char n = ecma.charAt(i + 1);
                if (n == 's' || n == 'S') {
                    // ECMA's \s is Unicode white space and line terminators
                    String set = "\\t\\n\\x0B\\f\\r \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000\\uFEFF";
                    out.append(n == 's' ? (inClass ? set : "[" + set + "]") : (inClass ? "&&[^" + set + "]" : "[^" + set + "]"));
                } else if ((n == 'p' || n == 'P') && i + 2 < ecma.length() && ecma.charAt(i + 2) == '{') {
                    int end = ecma.indexOf('}', i + 3);
                    String name = end < 0 ? "" : ecma.substring(i + 3, end);
                    out.append('\\').append(n).append('{').append(CATEGORIES.getOrDefault(name, name)).append('}');
                    i = end < 0 ? i : end - 1;
                } else {
                    out.append(c).append(n);
                }
                i++;
                continue;
            }
            if (inClass) {
                if (c == ']') {
                    inClass = false;
                } else if (c == '[') {
                    out.append('\\'); // a literal '[' inside an ECMA class
                }
                out.append(c);
                continue;
            }
            if (c == '[') {
                inClass = true;
                out.append(c);
                if (i + 1 < ecma.length() && ecma.charAt(i + 1) == '^') {
                    out.append('^');
                    i++;
                }
                continue;
            }
            out.append(c == '$' ? "\\z" : String.valueOf(c));
        }
        return out.toString();
    }
}
