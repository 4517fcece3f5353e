package jllm.generate.schema;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/** JSON value semantics over {@link jllm.format.json.Json}'s types: numbers compare mathematically. */
final class JsonValues {
    private JsonValues() {
    }

    static boolean isNumber(Object o) {
        return o instanceof Long || o instanceof Double || o instanceof Integer || o instanceof BigDecimal;
    }

    static boolean isInteger(Object o) {
        if (o instanceof Long || o instanceof Integer) {
            return true;
        }
        if (o instanceof Double d) {
            return !d.isInfinite() && d == Math.rint(d);
        }
        return o instanceof BigDecimal b && b.stripTrailingZeros().scale() <= 0;
    }

    static BigDecimal decimal(Object o) {
        if (o instanceof Long l) {
            return BigDecimal.valueOf(l);
        }
        if (o instanceof Integer i) {
            return BigDecimal.valueOf(i);
        }
        if (o instanceof BigDecimal b) {
            return b;
        }
        double d = (Double) o;
        if (Double.isInfinite(d) || Double.isNaN(d)) {
            return d > 0 ? BigDecimal.valueOf(Double.MAX_VALUE).multiply(BigDecimal.TEN) : BigDecimal.valueOf(-Double.MAX_VALUE).multiply(BigDecimal.TEN);
        }
        return new BigDecimal(Double.toString(d));
    }

    /** JSON equality: numbers by value (1 == 1.0), objects regardless of key order, arrays in order. */
    static boolean equal(Object a, Object b) {
        if (isNumber(a) && isNumber(b)) {
            return decimal(a).compareTo(decimal(b)) == 0;
        }
        if (a instanceof List<?> la && b instanceof List<?> lb) {
            if (la.size() != lb.size()) {
                return false;
            }
            for (int i = 0; i < la.size(); i++) {
                if (!equal(la.get(i), lb.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
            if (ma.size() != mb.size()) {
                return false;
            }
            for (Map.Entry<?, ?> e : ma.entrySet()) {
                if (!mb.containsKey(e.getKey()) || !equal(e.getValue(), mb.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        return a == b || (a != null && a.equals(b) && a.getClass() == b.getClass());
    }
}
