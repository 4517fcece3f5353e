package jllm.generate.schema;

/** A schema that cannot be used: malformed, an unresolvable reference, or beyond a stated limit. */
public class SchemaException extends RuntimeException {
    public SchemaException(String message) {
        super(message);
    }
}
