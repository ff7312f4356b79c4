package dev.dlp.config;

/**
 * A bad configuration value or key. The message names the source file (when known), the dotted key path and
 * the offending value.
 */
public final class ConfigException extends RuntimeException {
    private final String source;
    private final String key;
    private final String detail;

    public ConfigException(String key, String detail) {
        this(null, key, detail);
    }

    public ConfigException(String source, String key, String detail) {
        super(format(source, key, detail));
        this.source = source;
        this.key = key == null ? "" : key;
        this.detail = detail;
    }

    private static String format(String source, String key, String detail) {
        StringBuilder sb = new StringBuilder();
        if (source != null) {
            sb.append(source).append(": ");
        }
        if (key != null && !key.isEmpty()) {
            sb.append(key).append(": ");
        }
        return sb.append(detail).toString();
    }

    /** The same problem, attributed to a config source (a file name or "--set"). */
    public ConfigException in(String newSource) {
        return source != null ? this : new ConfigException(newSource, key, detail);
    }

    /** The same problem under a key prefix, e.g. {@code model.layers.conv1}. */
    public ConfigException under(String prefix) {
        String k = key.isEmpty() ? prefix : prefix + "." + key;
        return new ConfigException(source, k, detail);
    }

    /** The dotted key path, e.g. {@code train.lr}; empty for whole-file problems. */
    public String key() {
        return key;
    }

    public String detail() {
        return detail;
    }
}
