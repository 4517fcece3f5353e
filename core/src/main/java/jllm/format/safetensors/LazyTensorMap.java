package jllm.format.safetensors;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import jllm.tensor.Tensor;

/**
 * An unmodifiable map whose values are tensor views made on access, so that a tensor whose dtype
 * jllm cannot hold fails (with its own error) only when it is used.
 */
final class LazyTensorMap extends AbstractMap<String, Tensor> {
    private final List<String> names;
    private final Set<String> nameSet;
    private final Function<String, Tensor> view;

    LazyTensorMap(Collection<String> names, Function<String, Tensor> view) {
        this.names = List.copyOf(names);
        this.nameSet = new java.util.LinkedHashSet<>(this.names);
        this.view = view;
    }

    @Override
    public boolean containsKey(Object key) {
        return nameSet.contains(key);
    }

    @Override
    public Tensor get(Object key) {
        return key instanceof String s && nameSet.contains(s) ? view.apply(s) : null;
    }

    @Override
    public Set<String> keySet() {
        return java.util.Collections.unmodifiableSet(nameSet);
    }

    @Override
    public int size() {
        return names.size();
    }

    @Override
    public Set<Map.Entry<String, Tensor>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Map.Entry<String, Tensor>> iterator() {
                Iterator<String> it = names.iterator();
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return it.hasNext();
                    }

                    @Override
                    public Map.Entry<String, Tensor> next() {
                        String n = it.next();
                        return new AbstractMap.SimpleImmutableEntry<>(n, view.apply(n));
                    }
                };
            }

            @Override
            public int size() {
                return names.size();
            }
        };
    }
}
