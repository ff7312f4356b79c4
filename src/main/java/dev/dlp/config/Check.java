package dev.dlp.config;

import java.util.Arrays;

/** Range checks that fail with a {@link ConfigException} naming the key and the value. */
public final class Check {
    private Check() {
    }

    public static int atLeast(String key, int value, int min) {
        if (value < min) {
            throw new ConfigException(key, "must be >= " + min + ", got " + value);
        }
        return value;
    }

    public static int inRange(String key, int value, int lo, int hi) {
        if (value < lo || value > hi) {
            throw new ConfigException(key, "must be in [" + lo + ", " + hi + "], got " + value);
        }
        return value;
    }

    public static long atLeast(String key, long value, long min) {
        if (value < min) {
            throw new ConfigException(key, "must be >= " + min + ", got " + value);
        }
        return value;
    }

    public static double positive(String key, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new ConfigException(key, "must be > 0, got " + value);
        }
        return value;
    }

    public static double nonNegative(String key, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new ConfigException(key, "must be >= 0, got " + value);
        }
        return value;
    }

    public static double inRange(String key, double value, double lo, double hi) {
        if (!(value >= lo && value <= hi)) {
            throw new ConfigException(key, "must be in [" + lo + ", " + hi + "], got " + value);
        }
        return value;
    }

    public static <E extends Enum<E>> E oneOf(String key, String value, Class<E> type) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(value)) {
                return e;
            }
        }
        StringBuilder known = new StringBuilder();
        for (E e : type.getEnumConstants()) {
            known.append(known.length() == 0 ? "" : ", ").append(e.name().toLowerCase());
        }
        throw new ConfigException(key, "unknown value '" + value + "' (one of: " + known + ")"
                + Suggest.hint(value, Arrays.stream(type.getEnumConstants())
                        .map(e -> e.name().toLowerCase()).toList()));
    }
}
