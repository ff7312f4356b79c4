package dev.dlp.graph;

import dev.dlp.config.Check;
import dev.dlp.config.ConfigException;
import dev.dlp.config.Suggest;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Typed access to one layer spec's parameters. Every getter declares its key as known; {@link #finish()} then
 * rejects keys that no getter asked for, naming the nearest known one. Errors carry the key path
 * {@code model.layers.<name>.<key>}.
 */
public final class Params {
    private final String path;
    private final Map<String, Object> values;
    private final Set<String> known = new LinkedHashSet<>(List.of("name", "type", "inputs"));

    public Params(String path, Map<String, Object> values) {
        this.path = path;
        this.values = values;
    }

    public String path() {
        return path;
    }

    private ConfigException error(String key, String message) {
        return new ConfigException(path + "." + key, message);
    }

    public boolean has(String key) {
        known.add(key);
        return values.containsKey(key) && values.get(key) != null;
    }

    public int integer(String key, int def) {
        return has(key) ? toInt(key, values.get(key)) : def;
    }

    public int requiredInt(String key) {
        if (!has(key)) {
            throw error(key, "required");
        }
        return toInt(key, values.get(key));
    }

    public int positiveInt(String key, int def) {
        return Check.atLeast(path + "." + key, integer(key, def), 1);
    }

    public int requiredPositiveInt(String key) {
        return Check.atLeast(path + "." + key, requiredInt(key), 1);
    }

    public double number(String key, double def) {
        if (!has(key)) {
            return def;
        }
        Object v = values.get(key);
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        try {
            return Double.parseDouble(v.toString().trim());
        } catch (NumberFormatException e) {
            throw error(key, "expected a number, got '" + v + "'");
        }
    }

    public boolean bool(String key, boolean def) {
        if (!has(key)) {
            return def;
        }
        Object v = values.get(key);
        if (v instanceof Boolean b) {
            return b;
        }
        throw error(key, "expected true or false, got '" + v + "'");
    }

    public String text(String key, String def) {
        if (!has(key)) {
            return def;
        }
        Object v = values.get(key);
        if (v instanceof Map || v instanceof List) {
            throw error(key, "expected a single value, got " + v);
        }
        return v.toString();
    }

    public <E extends Enum<E>> E choice(String key, E def, Class<E> type) {
        return has(key) ? Check.oneOf(path + "." + key, text(key, def.name()), type) : def;
    }

    /** An {@code int} or {@code [h, w]}. */
    public int[] pair(String key, int[] def) {
        if (!has(key)) {
            return def;
        }
        Object v = values.get(key);
        if (v instanceof List<?> l) {
            if (l.size() != 2) {
                throw error(key, "expected a number or [height, width], got " + v);
            }
            return new int[]{toInt(key, l.get(0)), toInt(key, l.get(1))};
        }
        int x = toInt(key, v);
        return new int[]{x, x};
    }

    /** A name or a list of names. */
    public List<String> names(String key) {
        if (!has(key)) {
            return List.of();
        }
        Object v = values.get(key);
        List<String> out = new ArrayList<>();
        if (v instanceof List<?> l) {
            l.forEach(x -> out.add(String.valueOf(x)));
        } else {
            out.add(String.valueOf(v));
        }
        return out;
    }

    private int toInt(String key, Object v) {
        if (v instanceof Integer || v instanceof Long || v instanceof Short) {
            return ((Number) v).intValue();
        }
        try {
            return Integer.parseInt(String.valueOf(v).trim());
        } catch (NumberFormatException e) {
            throw error(key, "expected an integer, got '" + v + "'");
        }
    }

    /** Rejects keys that no getter declared. */
    public void finish() {
        for (String k : values.keySet()) {
            if (!known.contains(k)) {
                throw error(k, "unknown key for type '" + values.get("type") + "'" + Suggest.hint(k, known)
                        + " (known: " + String.join(", ", known) + ")");
            }
        }
    }
}
