package dev.dlp.fast;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

/**
 * Copies a DL4J layer configuration's settings into a subclass instance of ours. Some DL4J builders can only build
 * their own class (private constructors), so a configuration of ours is built by DL4J's builder and its fields are
 * copied, whatever fields this DL4J version has.
 */
final class ConfigCopy {
    private ConfigCopy() {
    }

    /** Every instance field of {@code type} and its superclasses, from {@code from} into {@code to}; returns it. */
    static <T> T fields(Class<?> type, Object from, T to) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                try {
                    field.setAccessible(true);
                    field.set(to, field.get(from));
                } catch (ReflectiveOperationException | RuntimeException e) {
                    throw new IllegalStateException("cannot copy " + c.getSimpleName() + "." + field.getName(), e);
                }
            }
        }
        return to;
    }
}
