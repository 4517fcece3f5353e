package jllm.generate.schema;

import java.util.List;

/** A schema using keywords (or keyword combinations) that cannot be turned into a grammar; names them all. */
public final class UnsupportedSchemaException extends SchemaException {
    private final List<String> keywords;

    public UnsupportedSchemaException(List<String> keywords) {
        super("unsupported: " + String.join(", ", keywords));
        this.keywords = List.copyOf(keywords);
    }

    /** The unsupported keywords (or combinations), each once. */
    public List<String> keywords() {
        return keywords;
    }
}
