package jllm.chat;

import com.hubspot.jinjava.util.ForLoop;
import java.util.List;

/**
 * The {@code loop} variable of a {@code for} tag: jinjava's {@link ForLoop} (so {@code break} and
 * {@code continue} keep working) plus Jinja2's {@code loop.previtem} and {@code loop.nextitem}.
 */
final class LoopState extends ForLoop {

    private final List<Object> items;
    private int position = -1;

    LoopState(List<Object> items) {
        super(items.iterator(), items.size());
        this.items = items;
    }

    @Override
    public Object next() {
        if (hasNext()) {
            position++;
        }
        return super.next();
    }

    Object previtem() {
        return position > 0 ? items.get(position - 1) : null;
    }

    Object nextitem() {
        return position + 1 < items.size() ? items.get(position + 1) : null;
    }
}
