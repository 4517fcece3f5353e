package jllm.generate.grammar;

/** A grammar that cannot be compiled or used: a syntax error, an undefined rule, or a stated limit exceeded. */
public class GrammarException extends RuntimeException {
    public GrammarException(String message) {
        super(message);
    }
}
