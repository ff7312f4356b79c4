package dev.dlp.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dlp.pipelines.Pipeline;
import dev.dlp.pipelines.Pipelines;
import dev.dlp.pipelines.convbasics.ConvBasicsConfig;
import dev.dlp.pipelines.skipgram.SkipgramConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Defaults live in one place: a pipeline's config record defaults ({@code DEFAULTS}) are the values of its shipped
 * configs, so a key removed from a printed config changes nothing. A shipped config may differ from its
 * pipeline's defaults only in keys it declares as its own, on a comment line {@code # own keys: a.b, c} (and the
 * test fails when it declares one it does not set); the model section is always a config's own.
 */
class DefaultsTest {
    record Shipped(String name, Object defaults) {
    }

    static List<Shipped> shipped() throws IOException {
        List<Shipped> out = new ArrayList<>();
        String index;
        try (InputStream in = DefaultsTest.class.getResourceAsStream("/configs/index.txt")) {
            index = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        for (String line : index.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList()) {
            String[] f = line.trim().split("\\s+");
            Object defaults = switch (f[1]) {
                case "skipgram" -> SkipgramConfig.DEFAULTS;
                case "conv-basics" -> ConvBasicsConfig.DEFAULTS;
                default -> Pipelines.byName(f[1]).map(Pipeline::defaults).orElseThrow();
            };
            out.add(new Shipped(f[0], defaults));
        }
        return out;
    }

    @Test
    void everyShippedConfigAgreesWithItsPipelinesDefaultsOutsideItsOwnKeys() throws IOException {
        List<String> problems = new ArrayList<>();
        for (Shipped s : shipped()) {
            String text;
            try (InputStream in = DefaultsTest.class.getResourceAsStream("/configs/" + s.name() + ".yaml")) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            Set<String> own = new TreeSet<>(List.of("model"));
            text.lines().filter(l -> l.startsWith("# own keys:")).forEach(l -> {
                for (String k : l.substring("# own keys:".length()).split(",")) {
                    own.add(k.trim());
                }
            });
            Map<String, JsonNode> file = flatten(ConfigLoader.yaml().readTree(text));
            Map<String, JsonNode> defaults = flatten(ConfigLoader.yaml().valueToTree(s.defaults()));
            Set<String> used = new TreeSet<>();
            for (var e : file.entrySet()) {
                String key = e.getKey();
                String ownKey = own.stream().filter(o -> key.equals(o) || key.startsWith(o + ".")).findFirst()
                        .orElse(null);
                if (e.getValue().isNull()) {
                    continue;   // "key: " with no value: unset, the default applies
                }
                if (ownKey != null) {
                    used.add(ownKey);
                    continue;
                }
                JsonNode d = defaults.get(key);
                if (d == null || !same(d, e.getValue())) {
                    problems.add(s.name() + ".yaml: " + key + " = " + e.getValue() + ", defaults: " + d);
                }
            }
            own.remove("model");
            own.removeAll(used);
            if (!own.isEmpty()) {
                problems.add(s.name() + ".yaml: declares own keys it does not set: " + own);
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    /** Same value, as YAML means it: 1e-3 = 0.001, [valid, 2] = ["valid", "2"], enum names in any case. */
    private static boolean same(JsonNode a, JsonNode b) {
        if (a.isArray() && b.isArray()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                if (!same(a.get(i), b.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a.isNumber() && b.isNumber()) {
            return a.doubleValue() == b.doubleValue();
        }
        return a.isValueNode() && b.isValueNode() && a.asText().equalsIgnoreCase(b.asText());
    }

    static Map<String, JsonNode> flatten(JsonNode n) {
        Map<String, JsonNode> out = new TreeMap<>();
        flatten("", n, out);
        return out;
    }

    private static void flatten(String prefix, JsonNode n, Map<String, JsonNode> out) {
        if (n.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                var e = it.next();
                flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
            }
        } else {
            out.put(prefix, n);
        }
    }
}
