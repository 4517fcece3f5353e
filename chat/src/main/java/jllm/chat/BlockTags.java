package jllm.chat;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.JinjavaInterpreter.InterpreterScopeClosable;
import com.hubspot.jinjava.lib.tag.Tag;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.tree.TagNode;
import com.hubspot.jinjava.util.LengthLimitingStringBuilder;

/** The block tags Hugging Face templates use that jinjava lacks. */
final class BlockTags {

    private BlockTags() {
    }

    static String renderChildren(TagNode tagNode, JinjavaInterpreter interpreter) {
        LengthLimitingStringBuilder out = new LengthLimitingStringBuilder(interpreter.getConfig().getMaxOutputSize());
        for (Node child : tagNode.getChildren()) {
            out.append(child.render(interpreter));
        }
        return out.toString();
    }

    /**
     * {@code {% generation %}...{% endgeneration %}}: transformers' AssistantTracker marks the assistant's
     * tokens for training masks; for a prompt it renders its content unchanged.
     */
    static final class Generation implements Tag {
        private static final long serialVersionUID = 1L;

        @Override
        public String getName() {
            return "generation";
        }

        @Override
        public String getEndTagName() {
            return "endgeneration";
        }

        @Override
        public String interpret(TagNode tagNode, JinjavaInterpreter interpreter) {
            return renderChildren(tagNode, interpreter);
        }
    }

    /** {@code {% filter name(args) %}...{% endfilter %}}: applies a filter to the rendered block. */
    static final class FilterBlock implements Tag {
        private static final long serialVersionUID = 1L;
        private static final String BODY = "__jllm_filter_body__";

        @Override
        public String getName() {
            return "filter";
        }

        @Override
        public String getEndTagName() {
            return "endfilter";
        }

        @Override
        @SuppressWarnings("try") // the scope is entered and left by the try; its variable is unused
        public String interpret(TagNode tagNode, JinjavaInterpreter interpreter) {
            String body = renderChildren(tagNode, interpreter);
            try (InterpreterScopeClosable ignored = interpreter.enterScope()) {
                interpreter.getContext().put(BODY, body);
                Object result = interpreter.resolveELExpression(BODY + " | " + tagNode.getHelpers().strip(), tagNode.getLineNumber());
                return result == null ? "" : result.toString();
            }
        }
    }
}
