package jllm.chat;

import com.hubspot.jinjava.lib.exptest.ExpTest;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.objects.SafeString;
import com.hubspot.jinjava.util.ForLoop;
import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELException;
import jinjava.javax.el.ELResolver;
import jinjava.javax.el.PropertyNotWritableException;

/**
 * The only way a template reaches into a value: Python's {@code str}, {@code dict} and {@code list}
 * methods that templates call ({@code .strip()}, {@code .get(k, d)}, {@code .items()}, ...), the
 * properties of {@code loop}, and nothing else.
 *
 * <p>It sits first in the resolver chain. Maps and lists pass on to jinjava's item resolvers, and
 * jinjava's own filter and test objects to its bean resolver (that is how {@code x | f} and
 * {@code x is t} are evaluated); every other Java object answers no property and no method, so a
 * template cannot call {@code getClass()} or walk from an object into the JVM.
 */
final class SandboxResolver extends ELResolver {

    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        if (base == null || base instanceof Map || base instanceof List || base instanceof Object[]) {
            return null; // not resolved here: context variables, dict keys and list indexes
        }
        context.setPropertyResolved(true);
        if (base instanceof ForLoop loop) {
            return loopProperty(loop, String.valueOf(property));
        }
        if (isString(base) && index(property) != null) {
            String s = base.toString();
            int i = index(property) < 0 ? index(property) + s.length() : index(property);
            return i >= 0 && i < s.length() ? String.valueOf(s.charAt(i)) : null;
        }
        return null;
    }

    /** A string's index, which jinjava passes as a number or as its decimal text. */
    private static Integer index(Object property) {
        if (property instanceof Number n) {
            return n.intValue();
        }
        String text = String.valueOf(property);
        return text.matches("-?\\d{1,9}") ? Integer.valueOf(text) : null;
    }

    private static Object loopProperty(ForLoop loop, String name) {
        return switch (name) {
            case "index" -> loop.getIndex();
            case "index0" -> loop.getIndex0();
            case "revindex" -> loop.getRevindex();
            case "revindex0" -> loop.getRevindex0();
            case "first" -> loop.isFirst();
            case "last" -> loop.isLast();
            case "length" -> loop.getLength();
            case "depth" -> loop.getDepth();
            case "depth0" -> loop.getDepth0();
            case "previtem" -> loop instanceof LoopState s ? s.previtem() : null;
            case "nextitem" -> loop instanceof LoopState s ? s.nextitem() : null;
            default -> null;
        };
    }

    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
        String name = String.valueOf(method);
        if (base == null || isEngineCall(base, name)) {
            return null; // not resolved here: the bean resolver after this one runs jinjava's own filters and tests
        }
        Object[] args = params == null ? new Object[0] : params;
        Object result;
        if (isString(base)) {
            result = PythonStrings.call(base.toString(), name, args);
        } else if (base instanceof Map<?, ?> map) {
            result = dictMethod(map, name, args);
        } else if (base instanceof List<?> list) {
            result = listMethod(list, name, args);
        } else if (base instanceof ForLoop loop && name.equals("cycle") && args.length > 0) {
            result = args[loop.getIndex0() % args.length];
        } else {
            throw new ELException("calling ." + name + "() is not allowed on a " + typeName(base) + " in a chat template");
        }
        context.setPropertyResolved(true);
        return result;
    }

    /** How jinjava itself applies {@code x | filter} and {@code x is test}: method calls on its library objects. */
    private static boolean isEngineCall(Object base, String method) {
        return base instanceof Filter && method.equals("filter")
                || base instanceof ExpTest && (method.equals("evaluate") || method.equals("evaluateNegated"));
    }

    @SuppressWarnings("unchecked")
    private static Object dictMethod(Map<?, ?> map, String name, Object[] args) {
        Map<Object, Object> m = (Map<Object, Object>) map;
        return switch (name) {
            case "get" -> {
                arity(name, args, 1, 2);
                Object key = args[0];
                yield m.containsKey(key) ? m.get(key) : args.length > 1 ? args[1] : null;
            }
            case "items" -> {
                List<Object> items = new ArrayList<>(m.size());
                m.forEach((k, v) -> items.add(new ArrayList<>(java.util.Arrays.asList(k, v))));
                yield items;
            }
            case "keys" -> new ArrayList<>(m.keySet());
            case "values" -> new ArrayList<>(m.values());
            case "copy" -> new LinkedHashMap<>(m);
            case "pop" -> {
                arity(name, args, 1, 2);
                if (m.containsKey(args[0])) {
                    yield m.remove(args[0]);
                }
                if (args.length > 1) {
                    yield args[1];
                }
                throw new ELException("dict.pop(): key " + args[0] + " not found");
            }
            case "update" -> {
                arity(name, args, 1, 1);
                if (args[0] instanceof Map<?, ?> other) {
                    m.putAll(other);
                }
                yield null;
            }
            case "setdefault" -> {
                arity(name, args, 1, 2);
                yield m.computeIfAbsent(args[0], k -> args.length > 1 ? args[1] : null);
            }
            default -> throw new ELException("dict has no method ." + name + "() in a chat template");
        };
    }

    @SuppressWarnings("unchecked")
    private static Object listMethod(List<?> list, String name, Object[] args) {
        List<Object> l = (List<Object>) list;
        return switch (name) {
            case "append" -> {
                arity(name, args, 1, 1);
                l.add(args[0]);
                yield null;
            }
            case "extend" -> {
                arity(name, args, 1, 1);
                if (args[0] instanceof Collection<?> c) {
                    l.addAll(c);
                }
                yield null;
            }
            case "pop" -> {
                arity(name, args, 0, 1);
                if (l.isEmpty()) {
                    throw new ELException("list.pop(): pop from empty list");
                }
                int i = args.length == 0 ? l.size() - 1 : ((Number) args[0]).intValue();
                yield l.remove(i < 0 ? i + l.size() : i);
            }
            case "index" -> {
                arity(name, args, 1, 1);
                int i = l.indexOf(args[0]);
                if (i < 0) {
                    throw new ELException("list.index(): " + args[0] + " is not in list");
                }
                yield i;
            }
            case "count" -> {
                arity(name, args, 1, 1);
                yield l.stream().filter(x -> java.util.Objects.equals(x, args[0])).count();
            }
            case "copy" -> new ArrayList<>(l);
            default -> throw new ELException("list has no method ." + name + "() in a chat template");
        };
    }

    static void arity(String name, Object[] args, int min, int max) {
        if (args.length < min || args.length > max) {
            throw new ELException("." + name + "() takes " + (min == max ? min : min + " to " + max)
                    + " arguments, got " + args.length);
        }
    }

    static boolean isString(Object o) {
        return o instanceof String || o instanceof SafeString;
    }

    static String typeName(Object o) {
        return switch (o) {
            case Map<?, ?> _ -> "dict";
            case List<?> _ -> "list";
            case Number _ -> "number";
            case Boolean _ -> "bool";
            default -> isString(o) ? "string" : "value of type " + o.getClass().getSimpleName();
        };
    }

    @Override
    public Class<?> getType(ELContext context, Object base, Object property) {
        if (base == null || base instanceof Map || base instanceof List || base instanceof Object[]) {
            return null;
        }
        context.setPropertyResolved(true);
        return null;
    }

    @Override
    public void setValue(ELContext context, Object base, Object property, Object value) {
        if (base == null || base instanceof Map || base instanceof List || base instanceof Object[]) {
            return;
        }
        throw new PropertyNotWritableException("cannot set ." + property + " on a " + typeName(base));
    }

    @Override
    public boolean isReadOnly(ELContext context, Object base, Object property) {
        if (base == null || base instanceof Map || base instanceof List || base instanceof Object[]) {
            return false;
        }
        context.setPropertyResolved(true);
        return true;
    }

    @Override
    public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
        return null;
    }

    @Override
    public Class<?> getCommonPropertyType(ELContext context, Object base) {
        return base == null || base instanceof Map || base instanceof List ? null : Object.class;
    }
}
