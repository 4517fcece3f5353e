package jllm.train.task;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;

import jllm.chat.ChatMessage;
import jllm.format.json.Json;

/**
 * Multi-digit arithmetic as a verifiable task: addition, subtraction and multiplication of two operands
 * with the same number of digits (2 to 4: the difficulty), asked as a one-turn chat and answered with a
 * worked solution, column by column, whose last line is {@code Answer: N}.
 *
 * <p>The worked solutions (what SFT trains on):
 * <pre>
 * What is 347 + 582?          What is 502 - 347?          What is 47 * 36?
 * 7+2+0=9 write 9 carry 0     12-7-0=5 borrow 1           47*6=282
 * 4+8+0=12 write 2 carry 1    10-4-1=5 borrow 1           47*30=1410
 * 3+5+1=9 write 9 carry 0     5-3-1=1 borrow 0            282+1410=1692
 * Answer: 929                 Answer: 155                 Answer: 1692
 * </pre>
 * Subtraction puts the larger operand first, so answers are never negative. Each column of an addition
 * is {@code a+b+carry=s write d carry c}; of a subtraction {@code a-b-borrow=d borrow 0}, or with a
 * borrow {@code 1a-b-borrow=d borrow 1} (the top digit plus ten); a multiplication lists the first
 * operand times each digit of the second with its place value, then adds the partial products in turn.
 *
 * <p>Training and held-out problems are disjoint by construction: a problem is held out when a hash of
 * its operands (unordered for the commutative + and *) falls in one tenth of the hash range, whatever the
 * seed; {@link #training} never returns such a problem and {@link #heldOut} returns only such problems.
 *
 * <pre>{@code
 * Arithmetic.Problem p = Arithmetic.training(new Random(1), Arithmetic.Op.ADD, 3);
 * List<ChatMessage> chat = p.chat();            // user question, assistant worked solution
 * boolean ok = p.check(modelReply);             // the exact checker
 * }</pre>
 */
public final class Arithmetic {
    /** Fewest digits per operand. */
    public static final int MIN_DIGITS = 2;
    /** Most digits per operand. */
    public static final int MAX_DIGITS = 4;
    /** The seed of the fixed held-out set. */
    public static final long HELD_OUT_SEED = 0x5EED_2101L;
    /** The prefix of the final answer line. */
    public static final String ANSWER = "Answer: ";

    private Arithmetic() {
    }

    /** An operation. */
    public enum Op {
        ADD('+'), SUB('-'), MUL('*');

        /** The operator character in questions and steps. */
        public final char symbol;

        Op(char symbol) {
            this.symbol = symbol;
        }

        /** The operation named {@code add}, {@code sub}/{@code subtract} or {@code mul}/{@code multiply} or by its symbol. */
        public static Op parse(String s) {
            return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "add", "+", "addition" -> ADD;
                case "sub", "subtract", "-", "subtraction" -> SUB;
                case "mul", "multiply", "*", "x", "multiplication" -> MUL;
                default -> throw new IllegalArgumentException("unknown operation '" + s + "': use add, sub or mul");
            };
        }
    }

    /**
     * One problem.
     *
     * @param a      first operand (for SUB the larger)
     * @param op     the operation
     * @param b      second operand
     * @param digits digits of each operand: the difficulty
     */
    public record Problem(int a, Op op, int b, int digits) {
        public Problem {
            checkDigits(digits);
            if (digitsOf(a) != digits || digitsOf(b) != digits) {
                throw new IllegalArgumentException(a + " and " + b + " do not both have " + digits + " digits");
            }
            if (op == Op.SUB && a < b) {
                throw new IllegalArgumentException("subtraction puts the larger operand first: " + a + " - " + b);
            }
        }

        /** The exact result. */
        public long answer() {
            return switch (op) {
                case ADD -> (long) a + b;
                case SUB -> (long) a - b;
                case MUL -> (long) a * b;
            };
        }

        /** The user's question, e.g. {@code What is 347 + 582?}. */
        public String question() {
            return "What is " + a + " " + op.symbol + " " + b + "?";
        }

        /** The worked solution, lines joined by '\n', ending with the answer line (no trailing newline). */
        public String solution() {
            List<String> lines = switch (op) {
                case ADD -> addSteps(a, b);
                case SUB -> subSteps(a, b);
                case MUL -> mulSteps(a, b);
            };
            lines.add(ANSWER + answer());
            return String.join("\n", lines);
        }

        /** The question and its worked solution as a chat. */
        public List<ChatMessage> chat() {
            return List.of(ChatMessage.user(question()), ChatMessage.assistant(solution()));
        }

        /** The question alone, the prompt of sampling. */
        public List<ChatMessage> prompt() {
            return List.of(ChatMessage.user(question()));
        }

        /** The exact checker: whether {@code reply}'s final answer ({@link #finalAnswer}) is this problem's. */
        public boolean check(String reply) {
            OptionalLong got = finalAnswer(reply);
            return got.isPresent() && got.getAsLong() == answer();
        }

        /**
         * How far a partial reply follows the worked solution: the number of its complete lines (those
         * followed by '\n', or every line once the reply has its answer line) that equal the solution's
         * lines in order, or -1 when one differs. A process verifier for step-level search; it knows the
         * answer, so it is an oracle, as the exact checker is.
         */
        public int stepsCorrect(String partial) {
            String[] want = solution().split("\n", -1);
            String[] got = partial.split("\n", -1);
            // the last piece is unfinished unless it is the answer line
            int complete = got.length - 1;
            if (got[got.length - 1].startsWith(ANSWER.trim())) {
                complete = got.length;
            }
            for (int i = 0; i < complete; i++) {
                if (i >= want.length || !got[i].strip().equals(want[i])) {
                    return -1;
                }
            }
            return complete;
        }
    }

    /**
     * The final answer of a reply: its last non-blank line must be {@code Answer: N} with N an integer
     * written plainly (an optional minus, digits, no leading zeros, at most 18 digits), surrounding spaces
     * allowed. Anything else (no answer line, text after it, "Answer: 1,234", "Answer: 12a") gives no answer.
     */
    public static OptionalLong finalAnswer(String reply) {
        if (reply == null) {
            return OptionalLong.empty();
        }
        String[] lines = reply.split("\n");
        String last = null;
        for (int i = lines.length - 1; i >= 0; i--) {
            if (!lines[i].isBlank()) {
                last = lines[i].strip();
                break;
            }
        }
        if (last == null || !last.startsWith(ANSWER.trim())) {
            return OptionalLong.empty();
        }
        String n = last.substring(ANSWER.trim().length()).strip();
        boolean negative = n.startsWith("-");
        String digits = negative ? n.substring(1) : n;
        if (digits.isEmpty() || digits.length() > 18 || (digits.length() > 1 && digits.charAt(0) == '0')) {
            return OptionalLong.empty();
        }
        for (int i = 0; i < digits.length(); i++) {
            if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
                return OptionalLong.empty();
            }
        }
        long v = Long.parseLong(digits);
        return OptionalLong.of(negative ? -v : v);
    }

    /** A random training problem (never one of the held-out ones). */
    public static Problem training(Random rnd, Op op, int digits) {
        while (true) {
            Problem p = random(rnd, op, digits);
            if (!isHeldOut(p)) {
                return p;
            }
        }
    }

    /** A random training problem of a random operation among {@code ops} and digits in [minDigits, maxDigits]. */
    public static Problem training(Random rnd, List<Op> ops, int minDigits, int maxDigits) {
        checkDigits(minDigits);
        checkDigits(maxDigits);
        return training(rnd, ops.get(rnd.nextInt(ops.size())), minDigits + rnd.nextInt(maxDigits - minDigits + 1));
    }

    /**
     * The fixed held-out set: {@code perCell} distinct problems of each operation in {@code ops} and each
     * digit count in [minDigits, maxDigits], in that order, drawn with {@link #HELD_OUT_SEED}. The first
     * k of a cell are the same whatever perCell is.
     */
    public static List<Problem> heldOut(List<Op> ops, int minDigits, int maxDigits, int perCell) {
        checkDigits(minDigits);
        checkDigits(maxDigits);
        List<Problem> out = new ArrayList<>();
        for (Op op : ops) {
            for (int d = minDigits; d <= maxDigits; d++) {
                Random rnd = new Random(HELD_OUT_SEED + 31L * op.ordinal() + d);
                java.util.Set<Problem> cell = new java.util.LinkedHashSet<>();
                // a cell has 810 (2 digits) or more held-out problems: perCell must fit
                int available = heldOutCount(op, d);
                if (perCell > available) {
                    throw new IllegalArgumentException("only " + available + " held-out " + op.name().toLowerCase(java.util.Locale.ROOT)
                            + " problems have " + d + " digits; asked for " + perCell);
                }
                while (cell.size() < perCell) {
                    Problem p = random(rnd, op, d);
                    if (isHeldOut(p)) {
                        cell.add(p);
                    }
                }
                out.addAll(cell);
            }
        }
        return out;
    }

    /** {@code n} random training problems (repeats possible) of the operations and digits given. */
    public static List<Problem> trainingSet(long seed, List<Op> ops, int minDigits, int maxDigits, int n) {
        Random rnd = new Random(seed);
        List<Problem> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(training(rnd, ops, minDigits, maxDigits));
        }
        return out;
    }

    /** Problems as chat JSONL, one {@code {"messages": [user, assistant]}} per line (what {@code jllm sft} reads). */
    public static String chatJsonl(List<Problem> problems) {
        StringBuilder sb = new StringBuilder();
        for (Problem p : problems) {
            sb.append("{\"messages\": [{\"role\": \"user\", \"content\": ").append(Json.quote(p.question()))
                    .append("}, {\"role\": \"assistant\", \"content\": ").append(Json.quote(p.solution())).append("}]}\n");
        }
        return sb.toString();
    }

    /** Whether a problem belongs to the held-out tenth. */
    public static boolean isHeldOut(Problem p) {
        int lo = p.op == Op.SUB ? p.a : Math.min(p.a, p.b);
        int hi = p.op == Op.SUB ? p.b : Math.max(p.a, p.b);
        long z = (lo * 0x9E3779B97F4A7C15L) ^ (hi * 0xC2B2AE3D27D4EB4FL) ^ (p.op.ordinal() * 0x165667B19E3779F9L);
        z = (z ^ (z >>> 31)) * 0xBF58476D1CE4E5B9L;
        z ^= z >>> 29;
        return Math.floorMod(z, 10) == 0;
    }

    /** A lower bound on the held-out problems of a cell (a tenth of them, less a margin). */
    private static int heldOutCount(Op op, int digits) {
        long n = (long) Math.pow(10, digits) - (long) Math.pow(10, digits - 1);
        long all = n * (n + 1) / 2; // unordered pairs (SUB orders them by size)
        return (int) Math.min(Integer.MAX_VALUE, all / 12);
    }

    private static Problem random(Random rnd, Op op, int digits) {
        int lo = (int) Math.pow(10, digits - 1);
        int x = lo + rnd.nextInt(9 * lo);
        int y = lo + rnd.nextInt(9 * lo);
        if (op == Op.SUB && x < y) {
            int t = x;
            x = y;
            y = t;
        }
        return new Problem(x, op, y, digits);
    }

    private static void checkDigits(int digits) {
        if (digits < MIN_DIGITS || digits > MAX_DIGITS) {
            throw new IllegalArgumentException("operands have " + MIN_DIGITS + " to " + MAX_DIGITS + " digits, not " + digits);
        }
    }

    private static int digitsOf(int x) {
        return x <= 0 ? 0 : String.valueOf(x).length();
    }

    private static List<String> addSteps(int a, int b) {
        List<String> lines = new ArrayList<>();
        int carry = 0;
        for (int x = a, y = b; x > 0 || y > 0; x /= 10, y /= 10) {
            int s = x % 10 + y % 10 + carry;
            lines.add(x % 10 + "+" + y % 10 + "+" + carry + "=" + s + " write " + s % 10 + " carry " + s / 10);
            carry = s / 10;
        }
        return lines;
    }

    private static List<String> subSteps(int a, int b) {
        List<String> lines = new ArrayList<>();
        int borrow = 0;
        for (int x = a, y = b; x > 0 || y > 0; x /= 10, y /= 10) {
            int top = x % 10, d = top - y % 10 - borrow;
            if (d < 0) {
                lines.add("1" + top + "-" + y % 10 + "-" + borrow + "=" + (d + 10) + " borrow 1");
                borrow = 1;
            } else {
                lines.add(top + "-" + y % 10 + "-" + borrow + "=" + d + " borrow 0");
                borrow = 0;
            }
        }
        return lines;
    }

    private static List<String> mulSteps(int a, int b) {
        List<String> lines = new ArrayList<>();
        long place = 1;
        List<Long> partials = new ArrayList<>();
        for (int y = b; y > 0; y /= 10, place *= 10) {
            long factor = (y % 10) * place;
            long partial = (long) a * factor;
            lines.add(a + "*" + factor + "=" + partial);
            partials.add(partial);
        }
        long sum = partials.getFirst();
        for (int i = 1; i < partials.size(); i++) {
            lines.add(sum + "+" + partials.get(i) + "=" + (sum + partials.get(i)));
            sum += partials.get(i);
        }
        return lines;
    }
}
