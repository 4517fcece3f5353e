package jllm.chat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import jinjava.javax.el.ELException;

/**
 * Python {@code str} methods with Python's semantics, for templates that call them on message text:
 * {@code split()} splits on a literal separator (not a regex), {@code strip()} strips Unicode
 * whitespace or the given characters, {@code startswith} accepts a tuple of prefixes, and so on.
 */
final class PythonStrings {

    private PythonStrings() {
    }

    static Object call(String s, String method, Object[] args) {
        return switch (method) {
            case "strip" -> strip(s, chars(method, args), true, true);
            case "lstrip" -> strip(s, chars(method, args), true, false);
            case "rstrip" -> strip(s, chars(method, args), false, true);
            case "startswith", "endswith" -> {
                SandboxResolver.arity(method, args, 1, 1);
                boolean start = method.equals("startswith");
                if (args[0] instanceof Collection<?> options) {
                    yield options.stream().anyMatch(o -> start ? s.startsWith(str(o)) : s.endsWith(str(o)));
                }
                yield start ? s.startsWith(str(args[0])) : s.endsWith(str(args[0]));
            }
            case "split" -> split(s, args, false);
            case "rsplit" -> split(s, args, true);
            case "splitlines" -> new ArrayList<Object>(s.lines().toList());
            case "replace" -> {
                SandboxResolver.arity(method, args, 2, 3);
                yield replace(s, str(args[0]), str(args[1]), args.length > 2 ? ((Number) args[2]).intValue() : -1);
            }
            case "upper" -> s.toUpperCase(java.util.Locale.ROOT);
            case "lower" -> s.toLowerCase(java.util.Locale.ROOT);
            case "title" -> title(s);
            case "capitalize" -> s.isEmpty() ? s
                    : s.substring(0, 1).toUpperCase(java.util.Locale.ROOT) + s.substring(1).toLowerCase(java.util.Locale.ROOT);
            case "find" -> {
                SandboxResolver.arity(method, args, 1, 1);
                yield s.indexOf(str(args[0]));
            }
            case "rfind" -> {
                SandboxResolver.arity(method, args, 1, 1);
                yield s.lastIndexOf(str(args[0]));
            }
            case "count" -> {
                SandboxResolver.arity(method, args, 1, 1);
                yield count(s, str(args[0]));
            }
            case "join" -> {
                SandboxResolver.arity(method, args, 1, 1);
                List<String> parts = new ArrayList<>();
                if (args[0] instanceof Iterable<?> it) {
                    it.forEach(o -> parts.add(str(o)));
                }
                yield String.join(s, parts);
            }
            case "isdigit" -> !s.isEmpty() && s.chars().allMatch(Character::isDigit);
            case "isalpha" -> !s.isEmpty() && s.chars().allMatch(Character::isLetter);
            case "isalnum" -> !s.isEmpty() && s.chars().allMatch(Character::isLetterOrDigit);
            case "isspace" -> !s.isEmpty() && s.chars().allMatch(Character::isWhitespace);
            case "isupper" -> s.chars().anyMatch(Character::isLetter) && s.equals(s.toUpperCase(java.util.Locale.ROOT));
            case "islower" -> s.chars().anyMatch(Character::isLetter) && s.equals(s.toLowerCase(java.util.Locale.ROOT));
            default -> throw new ELException("string has no method ." + method + "() in a chat template");
        };
    }

    static String str(Object o) {
        return o == null ? "None" : o.toString();
    }

    private static String chars(String method, Object[] args) {
        SandboxResolver.arity(method, args, 0, 1);
        return args.length == 0 || args[0] == null ? null : str(args[0]);
    }

    /** {@code chars} null means Python's default: whitespace. */
    static String strip(String s, String chars, boolean left, boolean right) {
        int start = 0;
        int end = s.length();
        while (left && start < end && strippable(s.charAt(start), chars)) {
            start++;
        }
        while (right && end > start && strippable(s.charAt(end - 1), chars)) {
            end--;
        }
        return s.substring(start, end);
    }

    private static boolean strippable(char c, String chars) {
        return chars == null ? Character.isWhitespace(c) || Character.isSpaceChar(c) : chars.indexOf(c) >= 0;
    }

    private static List<Object> split(String s, Object[] args, boolean fromRight) {
        SandboxResolver.arity("split", args, 0, 2);
        String sep = args.length == 0 || args[0] == null ? null : str(args[0]);
        int maxSplit = args.length > 1 ? ((Number) args[1]).intValue() : -1;
        if (sep != null && sep.isEmpty()) {
            throw new ELException("split(): empty separator");
        }
        List<Object> parts = new ArrayList<>();
        if (sep == null) {
            // Runs of whitespace separate; leading (and, without a limit, trailing) whitespace gives no parts.
            String rest = maxSplit < 0 ? strip(s, null, true, true) : strip(s, null, !fromRight, fromRight);
            return rest.isEmpty() ? parts : splitWhitespace(rest, maxSplit < 0 ? Integer.MAX_VALUE : maxSplit, fromRight);
        }
        if (fromRight) {
            int end = s.length();
            int splits = 0;
            int i;
            while ((maxSplit < 0 || splits < maxSplit) && (i = s.lastIndexOf(sep, end - sep.length())) >= 0) {
                parts.addFirst(s.substring(i + sep.length(), end));
                end = i;
                splits++;
            }
            parts.addFirst(s.substring(0, end));
            return parts;
        }
        int start = 0;
        int splits = 0;
        int i;
        while ((maxSplit < 0 || splits < maxSplit) && (i = s.indexOf(sep, start)) >= 0) {
            parts.add(s.substring(start, i));
            start = i + sep.length();
            splits++;
        }
        parts.add(s.substring(start));
        return parts;
    }

    private static List<Object> splitWhitespace(String s, int maxSplit, boolean fromRight) {
        List<Object> parts = new ArrayList<>();
        if (fromRight) {
            int end = s.length();
            while (parts.size() < maxSplit) {
                int i = end - 1;
                while (i >= 0 && !Character.isWhitespace(s.charAt(i))) {
                    i--;
                }
                if (i < 0) {
                    break;
                }
                parts.addFirst(s.substring(i + 1, end));
                end = i;
                while (end > 0 && Character.isWhitespace(s.charAt(end - 1))) {
                    end--;
                }
            }
            parts.addFirst(s.substring(0, end));
            return parts;
        }
        int start = 0;
        while (parts.size() < maxSplit) {
            int i = start;
            while (i < s.length() && !Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            if (i >= s.length()) {
                break;
            }
            parts.add(s.substring(start, i));
            start = i;
            while (start < s.length() && Character.isWhitespace(s.charAt(start))) {
                start++;
            }
        }
        parts.add(s.substring(start));
        return parts;
    }

    private static String replace(String s, String old, String replacement, int count) {
        if (count < 0) {
            return s.replace(old, replacement);
        }
        StringBuilder out = new StringBuilder();
        int start = 0;
        for (int n = 0; n < count; n++) {
            int i = s.indexOf(old, start);
            if (i < 0) {
                break;
            }
            out.append(s, start, i).append(replacement);
            start = i + old.length();
            if (old.isEmpty()) {
                if (start < s.length()) {
                    out.append(s.charAt(start));
                }
                start++;
            }
        }
        return start <= s.length() ? out.append(s.substring(start)).toString() : out.toString();
    }

    private static long count(String s, String sub) {
        if (sub.isEmpty()) {
            return s.length() + 1L;
        }
        long n = 0;
        for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + sub.length())) {
            n++;
        }
        return n;
    }

    /** Python's {@code str.title()}: upper-case a letter after a non-letter, lower-case the rest. */
    static String title(String s) {
        StringBuilder out = new StringBuilder(s.length());
        boolean previousCased = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            out.append(previousCased ? Character.toLowerCase(c) : Character.toUpperCase(c));
            previousCased = Character.isLetter(c);
        }
        return out.toString();
    }
}
