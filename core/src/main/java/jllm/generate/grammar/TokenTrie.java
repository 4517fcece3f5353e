package jllm.generate.grammar;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

import jllm.tokenizer.Tokenizer;
import jllm.tokenizer.Vocabulary;

/**
 * Every token's output bytes in one trie, laid out flat in depth-first order so that a walk is a loop
 * over arrays and a dead branch is skipped in one jump ({@code end}). Tokens with no output bytes
 * (control tokens) are not in it; end-of-generation tokens are listed apart.
 */
public final class TokenTrie {
    final byte[] nodeByte;    // (nodes) the byte leading to node i; node 0 is the root
    final int[] depth;        // (nodes) bytes from the root
    final int[] end;          // (nodes) first node after node i's subtree
    final int[] parent;       // (nodes) the node above node i (the root's is 0)
    final int[] token;        // (nodes) a token ending at node i, or -1
    final int[] sameBytes;    // (vocabSize) next token with the same bytes, or -1
    final byte[][] bytes;     // (vocabSize) each token's bytes
    final int vocabSize;
    final int[] endOfGeneration;
    final int maxDepth;

    private static final Map<Vocabulary, TokenTrie> CACHE = new WeakHashMap<>();

    /** The trie of this tokenizer's vocabulary (built once per vocabulary). */
    public static TokenTrie of(Tokenizer tokenizer) {
        synchronized (CACHE) {
            return CACHE.computeIfAbsent(tokenizer.vocabulary(), v -> {
                byte[][] b = new byte[v.size()][];
                for (int i = 0; i < b.length; i++) {
                    b[i] = tokenizer.tokenBytes(i, false);
                }
                return new TokenTrie(b, v.endOfGeneration());
            });
        }
    }

    /** A trie over these token bytes ({@code bytes[id]}; empty = never allowed). */
    public TokenTrie(byte[][] bytes, Set<Integer> endOfGeneration) {
        this.bytes = bytes;
        this.vocabSize = bytes.length;
        this.endOfGeneration = endOfGeneration.stream().mapToInt(Integer::intValue).sorted().toArray();
        Integer[] order = new Integer[bytes.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Arrays.compareUnsigned(bytes[a], bytes[b]));
        int cap = 1;
        for (byte[] b : bytes) {
            cap += b.length;
        }
        byte[] nb = new byte[cap];
        int[] dp = new int[cap];
        int[] en = new int[cap];
        int[] pa = new int[cap];
        int[] tk = new int[cap];
        Arrays.fill(tk, -1);
        sameBytes = new int[bytes.length];
        Arrays.fill(sameBytes, -1);
        int[] path = new int[256 + 1]; // node index at each depth of the current path
        int n = 1;
        int pathLen = 0;              // depth of the current path
        byte[] prev = new byte[0];
        int maxD = 0;
        for (int id : order) {
            byte[] b = bytes[id];
            if (b.length == 0 || endOfGeneration.contains(id)) {
                continue;
            }
            if (b.length > 256) {
                throw new GrammarException("token " + id + " has " + b.length + " bytes; at most 256 are supported");
            }
            int lcp = 0;
            while (lcp < Math.min(prev.length, b.length) && lcp < pathLen && prev[lcp] == b[lcp]) {
                lcp++;
            }
            for (int d = pathLen; d > lcp; d--) {
                en[path[d]] = n;
            }
            pathLen = lcp;
            for (int d = lcp; d < b.length; d++) {
                nb[n] = b[d];
                dp[n] = d + 1;
                pa[n] = path[d];
                path[d + 1] = n;
                n++;
            }
            pathLen = b.length;
            maxD = Math.max(maxD, b.length);
            int last = path[b.length];
            if (tk[last] < 0) {
                tk[last] = id;
            } else {
                int t = tk[last];
                while (sameBytes[t] >= 0) {
                    t = sameBytes[t];
                }
                sameBytes[t] = id;
            }
            prev = b;
        }
        for (int d = pathLen; d > 0; d--) {
            en[path[d]] = n;
        }
        en[0] = n;
        nodeByte = Arrays.copyOf(nb, n);
        depth = Arrays.copyOf(dp, n);
        end = Arrays.copyOf(en, n);
        parent = Arrays.copyOf(pa, n);
        token = Arrays.copyOf(tk, n);
        maxDepth = maxD;
    }

    /** Sets in {@code mask} (one bit per token id) every token that ends at trie node {@code node}. */
    void markTokens(int node, long[] mask) {
        for (int t = token[node]; t >= 0; t = sameBytes[t]) {
            mask[t >> 6] |= 1L << (t & 63);
        }
    }

    /** Sets in {@code mask} the tokens that end a generation (allowed once the grammar's sentence is whole). */
    void markEndOfGeneration(long[] mask) {
        for (int t : endOfGeneration) {
            mask[t >> 6] |= 1L << (t & 63);
        }
    }

    /** Number of trie nodes (the root included). */
    public int nodes() {
        return nodeByte.length;
    }

    /** Number of token ids. */
    public int vocabSize() {
        return vocabSize;
    }

    /** The bytes of a token. */
    public byte[] bytes(int id) {
        return bytes[id];
    }
}
