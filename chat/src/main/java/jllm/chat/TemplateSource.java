package jllm.chat;

/**
 * The source rewrites applied before jinjava parses a template, each where jinjava's grammar or defaults
 * differ from Jinja2's as transformers configures it. Apart from the first two, they touch only the code
 * inside {@code {{ }}} and {@code {% %}}, never string literals, comments or text:
 *
 * <ol>
 *   <li>one trailing newline is dropped (Jinja2's {@code keep_trailing_newline=False});</li>
 *   <li>{@code lstrip_blocks}: spaces and tabs between the start of a line and a {@code {%} or
 *       {@code {#} are dropped (jinjava's own option strips them even after other text on the line);
 *       {@code {%+} keeps them, as in Jinja2;</li>
 *   <li>{@code n+1} becomes {@code n + 1}: jinjava's scanner reads {@code +1} as a signed number;</li>
 *   <li>{@code a.xs[::-1]} becomes {@code (a.xs|reverse)}: jinjava's slices have no step;</li>
 *   <li>{@code not a is b}, {@code not a == b}, {@code not a in b} become {@code a is not b},
 *       {@code a != b}, {@code a not in b}: in Jinja2 {@code not} binds looser than tests and
 *       comparisons, in jinjava tighter;</li>
 *   <li>{@code f(name=a - 1)} becomes {@code f(name=(a - 1))}: jinjava's {@code =} binds tighter than
 *       arithmetic, filters and comparisons.</li>
 * </ol>
 */
final class TemplateSource {

    private TemplateSource() {
    }

    static String prepare(String source) {
        String s = source.endsWith("\r\n") ? source.substring(0, source.length() - 2)
                : source.endsWith("\n") ? source.substring(0, source.length() - 1) : source;
        StringBuilder out = new StringBuilder(s.length() + 64);
        int i = 0;
        while (i < s.length()) {
            int open = nextOpener(s, i);
            if (open < 0) {
                out.append(s, i, s.length());
                break;
            }
            out.append(s, i, open);
            char kind = s.charAt(open + 1);
            if (kind != '{') {
                boolean keep = open + 2 < s.length() && s.charAt(open + 2) == '+';
                if (keep) {
                    s = s.substring(0, open + 2) + s.substring(open + 3); // jinjava does not know "{%+"
                } else {
                    lstrip(out);
                }
            }
            if (kind == '#') {
                int end = s.indexOf("#}", open + 2);
                end = end < 0 ? s.length() : end + 2;
                out.append(s, open, end);
                i = end;
                continue;
            }
            String closer = kind == '{' ? "}}" : "%}";
            int bodyStart = open + 2;
            if (bodyStart < s.length() && (s.charAt(bodyStart) == '-' || s.charAt(bodyStart) == '+')) {
                bodyStart++;
            }
            int close = findCloser(s, bodyStart, closer);
            if (close < 0) {
                out.append(s, open, s.length()); // unterminated: let the parser report it
                break;
            }
            int bodyEnd = close > bodyStart && s.charAt(close - 1) == '-' ? close - 1 : close;
            String body = s.substring(bodyStart, bodyEnd);
            String tag = kind == '%' ? firstWord(body) : "";
            if (tag.equals("raw")) {
                int end = s.indexOf("endraw", close);
                end = end < 0 ? s.length() : s.indexOf("%}", end) < 0 ? s.length() : s.indexOf("%}", end) + 2;
                out.append(s, open, end);
                i = end;
                continue;
            }
            out.append(s, open, bodyStart).append(rewrite(body, !tag.equals("macro"))).append(s, bodyEnd, close + 2);
            i = close + 2;
        }
        return out.toString();
    }

    /** Drops the spaces and tabs that end {@code out} when only they stand between a line start and a block tag. */
    private static void lstrip(StringBuilder out) {
        int i = out.length();
        while (i > 0 && (out.charAt(i - 1) == ' ' || out.charAt(i - 1) == '\t')) {
            i--;
        }
        if (i == 0 || out.charAt(i - 1) == '\n' || out.charAt(i - 1) == '\r') {
            out.setLength(i);
        }
    }

    /** Applies rewrites 3-6 to the code of one tag or expression. */
    static String rewrite(String code, boolean keywordArguments) {
        String s = spaceSignedNumbers(code);
        s = reverseSlices(s);
        s = notPrecedence(s);
        return keywordArguments ? parenthesizeKeywordArguments(s) : s;
    }

    private static int nextOpener(String s, int from) {
        for (int i = s.indexOf('{', from); i >= 0 && i + 1 < s.length(); i = s.indexOf('{', i + 1)) {
            char c = s.charAt(i + 1);
            if (c == '{' || c == '%' || c == '#') {
                return i;
            }
        }
        return -1;
    }

    private static int findCloser(String s, int from, String closer) {
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\'') {
                i = endOfString(s, i) - 1;
            } else if (s.startsWith(closer, i)) {
                return i;
            }
        }
        return -1;
    }

    /** Index just past the string literal starting at {@code i}. */
    private static int endOfString(String s, int i) {
        char quote = s.charAt(i);
        for (int j = i + 1; j < s.length(); j++) {
            char c = s.charAt(j);
            if (c == '\\') {
                j++;
            } else if (c == quote) {
                return j + 1;
            }
        }
        return s.length();
    }

    private static String firstWord(String body) {
        String t = body.strip();
        int end = 0;
        while (end < t.length() && Character.isJavaIdentifierPart(t.charAt(end))) {
            end++;
        }
        return t.substring(0, end);
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    private static String spaceSignedNumbers(String s) {
        StringBuilder out = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\'') {
                int end = endOfString(s, i);
                out.append(s, i, end);
                i = end - 1;
                continue;
            }
            if ((c == '+' || c == '-') && i > 0 && i + 1 < s.length() && Character.isDigit(s.charAt(i + 1))
                    && (isWordChar(s.charAt(i - 1)) || s.charAt(i - 1) == ')' || s.charAt(i - 1) == ']')
                    && !endsWithExponent(s, i)) {
                out.append(' ').append(c).append(' ');
                continue;
            }
            out.append(c);
        }
        return out.toString();
    }

    /** True for the sign of a float exponent such as {@code 1e-5}. */
    private static boolean endsWithExponent(String s, int sign) {
        int start = sign;
        while (start > 0 && isWordChar(s.charAt(start - 1))) {
            start--;
        }
        char last = s.charAt(sign - 1);
        return Character.isDigit(s.charAt(start)) && (last == 'e' || last == 'E');
    }

    private static String reverseSlices(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\'') {
                int end = endOfString(s, i);
                out.append(s, i, end);
                i = end - 1;
            } else if (s.startsWith("[::-1]", i)) {
                int start = startOfOperand(out);
                out.insert(start, '(').append("|reverse)");
                i += "[::-1]".length() - 1;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Start of the name-with-postfixes ({@code a.b[0](x)}) that ends the text so far. */
    private static int startOfOperand(CharSequence s) {
        int i = s.length();
        while (i > 0) {
            char c = s.charAt(i - 1);
            if (isWordChar(c) || c == '.') {
                i--;
            } else if (c == '"' || c == '\'') {
                i--;
                while (i > 0 && s.charAt(i - 1) != c) {
                    i--;
                }
                return Math.max(0, i - 1);
            } else if (c == ']' || c == ')') {
                int depth = 0;
                do {
                    char d = s.charAt(--i);
                    if (d == ']' || d == ')') {
                        depth++;
                    } else if (d == '[' || d == '(') {
                        depth--;
                    }
                } while (i > 0 && depth > 0);
            } else {
                break;
            }
        }
        return i;
    }

    private static boolean wordAt(String s, int i, String word) {
        return s.startsWith(word, i) && (i == 0 || !isWordChar(s.charAt(i - 1)))
                && (i + word.length() >= s.length() || !isWordChar(s.charAt(i + word.length())));
    }

    private static int skipSpaces(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /** The previous word before index {@code i}, or "". */
    private static String previousWord(String s, int i) {
        int end = i;
        while (end > 0 && Character.isWhitespace(s.charAt(end - 1))) {
            end--;
        }
        int start = end;
        while (start > 0 && isWordChar(s.charAt(start - 1))) {
            start--;
        }
        return s.substring(start, end);
    }

    private static String notPrecedence(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '"' || c == '\'') {
                int end = endOfString(s, i);
                out.append(s, i, end);
                i = end;
                continue;
            }
            if (wordAt(s, i, "not") && !previousWord(s, i).equals("is")) {
                int operandStart = skipSpaces(s, i + 3);
                if (wordAt(s, operandStart, "in") || wordAt(s, operandStart, "not")) {
                    out.append(c);
                    i++;
                    continue;
                }
                int operandEnd = endOfOperand(s, operandStart);
                int next = skipSpaces(s, operandEnd);
                String operand = s.substring(operandStart, operandEnd);
                String replacement = null;
                int rest = next;
                if (operandEnd > operandStart) {
                    if (wordAt(s, next, "is")) {
                        int after = skipSpaces(s, next + 2);
                        if (wordAt(s, after, "not")) {
                            replacement = operand + " is ";
                            rest = after + 3;
                        } else {
                            replacement = operand + " is not ";
                            rest = after;
                        }
                    } else if (s.startsWith("==", next)) {
                        replacement = operand + " != ";
                        rest = next + 2;
                    } else if (s.startsWith("!=", next)) {
                        replacement = operand + " == ";
                        rest = next + 2;
                    } else if (wordAt(s, next, "in")) {
                        replacement = operand + " not in ";
                        rest = next + 2;
                    } else if (wordAt(s, next, "not") && wordAt(s, skipSpaces(s, next + 3), "in")) {
                        replacement = operand + " in ";
                        rest = skipSpaces(s, next + 3) + 2;
                    }
                }
                if (replacement != null) {
                    // The operand itself may hold a nested 'not' (inside brackets): rewrite it too.
                    out.append(notPrecedence(replacement));
                    i = skipSpaces(s, rest);
                    continue;
                }
            }
            out.append(c);
            i++;
        }
        return out.toString();
    }

    /** End of a primary expression with its postfixes ({@code .a}, {@code [i]}, {@code (args)}, {@code |filter(args)}). */
    private static int endOfOperand(String s, int i) {
        if (i >= s.length()) {
            return i;
        }
        char c = s.charAt(i);
        if (c == '"' || c == '\'') {
            i = endOfString(s, i);
        } else if (c == '(' || c == '[' || c == '{') {
            i = endOfBrackets(s, i);
        } else if (isWordChar(c)) {
            while (i < s.length() && isWordChar(s.charAt(i))) {
                i++;
            }
        } else {
            return i;
        }
        while (i < s.length()) {
            char p = s.charAt(i);
            if (p == '.' && i + 1 < s.length() && isWordChar(s.charAt(i + 1))) {
                i++;
                while (i < s.length() && isWordChar(s.charAt(i))) {
                    i++;
                }
            } else if (p == '[' || p == '(') {
                i = endOfBrackets(s, i);
            } else {
                int bar = skipSpaces(s, i);
                if (bar < s.length() && s.charAt(bar) == '|' && !(bar + 1 < s.length() && s.charAt(bar + 1) == '|')) {
                    int name = skipSpaces(s, bar + 1);
                    int end = name;
                    while (end < s.length() && isWordChar(s.charAt(end))) {
                        end++;
                    }
                    if (end == name) {
                        return i;
                    }
                    i = end < s.length() && s.charAt(end) == '(' ? endOfBrackets(s, end) : end;
                } else {
                    return i;
                }
            }
        }
        return i;
    }

    /** Index just past the bracket group opening at {@code i}. */
    private static int endOfBrackets(String s, int i) {
        int depth = 0;
        for (int j = i; j < s.length(); j++) {
            char c = s.charAt(j);
            if (c == '"' || c == '\'') {
                j = endOfString(s, j) - 1;
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                depth--;
                if (depth == 0) {
                    return j + 1;
                }
            }
        }
        return s.length();
    }

    private static String parenthesizeKeywordArguments(String s) {
        StringBuilder out = new StringBuilder(s.length() + 8);
        java.util.ArrayDeque<Character> brackets = new java.util.ArrayDeque<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '"' || c == '\'') {
                int end = endOfString(s, i);
                out.append(s, i, end);
                i = end;
                continue;
            }
            if (c == '(' || c == '[' || c == '{') {
                brackets.push(c);
            } else if (c == ')' || c == ']' || c == '}') {
                brackets.poll();
            }
            if (isWordChar(c) && (i == 0 || !isWordChar(s.charAt(i - 1))) && !brackets.isEmpty() && brackets.peek() == '('
                    && startsArgument(s, i)) {
                int nameEnd = i;
                while (nameEnd < s.length() && isWordChar(s.charAt(nameEnd))) {
                    nameEnd++;
                }
                int eq = skipSpaces(s, nameEnd);
                if (eq < s.length() && s.charAt(eq) == '=' && !(eq + 1 < s.length() && s.charAt(eq + 1) == '=')) {
                    int valueStart = eq + 1;
                    int valueEnd = endOfArgument(s, valueStart);
                    out.append(s, i, valueStart).append('(')
                            .append(parenthesizeKeywordArguments(s.substring(valueStart, valueEnd).strip())).append(')');
                    i = valueEnd;
                    continue;
                }
            }
            out.append(c);
            i++;
        }
        return out.toString();
    }

    /** True when the word at {@code i} follows {@code (} or {@code ,}: the start of a call argument. */
    private static boolean startsArgument(String s, int i) {
        int j = i;
        while (j > 0 && Character.isWhitespace(s.charAt(j - 1))) {
            j--;
        }
        return j > 0 && (s.charAt(j - 1) == '(' || s.charAt(j - 1) == ',');
    }

    /** Index of the {@code ,} or {@code )} that ends the argument starting at {@code i}. */
    private static int endOfArgument(String s, int i) {
        int depth = 0;
        for (int j = i; j < s.length(); j++) {
            char c = s.charAt(j);
            if (c == '"' || c == '\'') {
                j = endOfString(s, j) - 1;
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                if (depth == 0) {
                    return j;
                }
                depth--;
            } else if (c == ',' && depth == 0) {
                return j;
            }
        }
        return s.length();
    }
}
