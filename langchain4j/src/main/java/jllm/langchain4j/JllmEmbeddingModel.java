package jllm.langchain4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import dev.langchain4j.model.output.TokenUsage;
import jllm.api.Model;

/**
 * A LangChain4j {@link EmbeddingModel} on a jllm {@link Model}: each text's embedding is the mean of the
 * model's final hidden states, L2-normalized ({@link Model#embed(String)}).
 *
 * <pre>{@code
 * EmbeddingModel embeddings = new JllmEmbeddingModel(model);
 * Embedding e = embeddings.embed("Lily likes cats").content();
 * }</pre>
 */
public final class JllmEmbeddingModel implements EmbeddingModel {
    private final Model model;

    /** Embeddings from {@code model} (shared, not owned: close it yourself). */
    public JllmEmbeddingModel(Model model) {
        this.model = Objects.requireNonNull(model, "model");
    }

    @Override
    public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
        List<Embedding> out = new ArrayList<>(segments.size());
        int tokens = 0;
        for (TextSegment s : segments) {
            out.add(Embedding.from(model.embed(s.text())));
            tokens += model.tokenize(s.text()).length;
        }
        return Response.from(out, new TokenUsage(tokens, 0));
    }

    @Override
    public int dimension() {
        return model.info().dim();
    }

    @Override
    public String modelName() {
        return model.loaded().source().path().getFileName().toString();
    }
}
