package jllm.server;

import java.util.Optional;

import jllm.model.LanguageModel;
import jllm.model.LoadedModel;
import jllm.tensor.Tensor;

/**
 * What a model is, as the chat page shows it before the first message and {@code /v1/models} lists it
 * under {@code meta}: read once from the model's metadata when it is served.
 *
 * @param title         {@code general.name}, or the name it is served under
 * @param architecture  {@code general.architecture} (llama, qwen2, mamba, ...)
 * @param parameters    values in its tensors (0 when unknown)
 * @param contextLength the context it was trained for, in tokens
 * @param chatTemplate  whether it has a chat template of its own (otherwise ChatML is used, which a base
 *                      model does not follow)
 * @param description   what it can do: {@code general.description}, or what its server knows of it
 */
public record ModelCard(String title, String architecture, long parameters, int contextLength, boolean chatTemplate,
                        Optional<String> description) {

    /** The card of a loaded model served as {@code name}. */
    public static ModelCard of(String name, LoadedModel m) {
        long parameters = 0;
        for (Tensor t : m.source().tensors().values()) {
            parameters += t.size();
        }
        return new ModelCard(m.source().metadata().string("general.name").filter(s -> !s.isBlank()).orElse(name),
                m.model().info().architecture(), parameters, m.model().info().contextLength(), m.chatTemplate().isPresent(),
                m.source().metadata().string("general.description").filter(s -> !s.isBlank()));
    }

    /** What little a bare forward pass tells (tests serve scripted or slowed models this way). */
    static ModelCard of(String name, LanguageModel model, boolean chatTemplate) {
        return new ModelCard(name, model.info().architecture(), 0, model.info().contextLength(), chatTemplate, Optional.empty());
    }

    /** This card with {@code text} as its description when it has none of its own. */
    public ModelCard describedAs(String text) {
        return description.isPresent() ? this : new ModelCard(title, architecture, parameters, contextLength, chatTemplate,
                Optional.of(text));
    }
}
