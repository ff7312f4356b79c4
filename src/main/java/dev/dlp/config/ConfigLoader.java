package dev.dlp.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Loads a YAML config into a typed record: the record's defaults, then the file, then {@code --set} overrides,
 * then validation. Unknown keys and wrong types fail with the dotted key path.
 */
public final class ConfigLoader {
    /** Where the shipped configs live on the classpath. */
    public static final String SHIPPED_DIR = "configs/";

    private static final ObjectMapper YAML = configure(YAMLMapper.builder(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .build()));
    private static final ObjectMapper JSON = configure(JsonMapper.builder());

    private ConfigLoader() {
    }

    private static ObjectMapper configure(com.fasterxml.jackson.databind.cfg.MapperBuilder<?, ?> b) {
        return b.propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
                .enable(SerializationFeature.WRITE_ENUMS_USING_TO_STRING)
                .enable(SerializationFeature.INDENT_OUTPUT)
                .serializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                .build();
    }

    /** The YAML mapper (snake_case keys), for writing resolved configs. */
    public static ObjectMapper yaml() {
        return YAML;
    }

    /** The JSON mapper (snake_case keys), for summaries and metrics. */
    public static ObjectMapper json() {
        return JSON;
    }

    /** A config loaded from a source, with the overrides that were applied and the tree it was bound from. */
    public record Loaded<T>(T value, String source, List<String> overrides, JsonNode tree) {
        /** The resolved config as YAML: rerunning from this text reproduces the run. */
        public String toYaml() {
            try {
                return YAML.writeValueAsString(YAML.valueToTree(value));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * Resolves a {@code --config} value: an existing file, else a shipped config name ({@code mnist-mlp} or
     * {@code mnist-mlp.yaml}).
     */
    public static Source resolve(String configArg, String defaultName) {
        String name = configArg == null ? defaultName : configArg;
        Path p = Path.of(name);
        if (configArg != null && (Files.exists(p) || name.contains("/"))) {
            return new Source(name, p, null);
        }
        String res = name.endsWith(".yaml") || name.endsWith(".yml") ? name : name + ".yaml";
        if (ConfigLoader.class.getClassLoader().getResource(SHIPPED_DIR + res) == null) {
            if (Files.exists(p)) {
                return new Source(name, p, null);
            }
            throw new ConfigException(name, "", "no such config file, and no shipped config of that name (shipped: "
                    + String.join(", ", shippedNames()) + ")");
        }
        return new Source(res, null, SHIPPED_DIR + res);
    }

    /** Names of the shipped configs, for messages and tests. */
    public static List<String> shippedNames() {
        return List.copyOf(shipped().keySet());
    }

    /** Shipped config name to the subcommand that uses it, from {@code configs/index.txt}. */
    public static Map<String, String> shipped() {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        try (InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream(SHIPPED_DIR + "index.txt")) {
            if (in == null) {
                return out;
            }
            for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\\R")) {
                String l = line.strip();
                if (!l.isEmpty() && !l.startsWith("#")) {
                    String[] parts = l.split("\\s+");
                    out.put(parts[0], parts.length > 1 ? parts[1] : "");
                }
            }
            return out;
        } catch (IOException e) {
            return out;
        }
    }

    /** A config source: a file, or a classpath resource. */
    public record Source(String name, Path file, String resource) {
        InputStream open() throws IOException {
            if (file != null) {
                return Files.newInputStream(file);
            }
            InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream(resource);
            if (in == null) {
                throw new NoSuchFileException(resource);
            }
            return in;
        }
    }

    /** Loads {@code source} over {@code defaults}, applies overrides, binds to {@code type}. */
    public static <T> Loaded<T> load(Source source, List<String> overrides, Class<T> type, T defaults) {
        JsonNode fileTree;
        try (InputStream in = source.open()) {
            fileTree = readYaml(source.name(), in);
        } catch (NoSuchFileException e) {
            throw new ConfigException(source.name(), "", "no such file");
        } catch (IOException e) {
            throw new ConfigException(source.name(), "", "cannot read: " + e.getMessage());
        }
        return loadTree(source.name(), fileTree, overrides, type, defaults);
    }

    /** Loads a YAML text (tests, resolved configs). */
    public static <T> Loaded<T> loadText(String name, String yaml, List<String> overrides, Class<T> type, T defaults) {
        try {
            return loadTree(name, readYaml(name, new java.io.ByteArrayInputStream(yaml.getBytes())), overrides, type,
                    defaults);
        } catch (IOException e) {
            throw new ConfigException(name, "", e.getMessage());
        }
    }

    private static <T> Loaded<T> loadTree(String name, JsonNode fileTree, List<String> overrides, Class<T> type,
                                          T defaults) {
        ObjectNode tree = (ObjectNode) YAML.valueToTree(defaults);
        removeNulls(tree);
        merge(tree, fileTree);
        List<String> applied = new ArrayList<>();
        for (String o : overrides) {
            try {
                applyOverride(tree, o);
            } catch (ConfigException e) {
                throw e.in("--set " + o);
            }
            applied.add(o);
        }
        T value = bind(name, tree, type);
        return new Loaded<>(value, name, List.copyOf(applied), tree);
    }

    private static JsonNode readYaml(String name, InputStream in) throws IOException {
        JsonNode node;
        try {
            node = YAML.readTree(in);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : ":" + e.getLocation().getLineNr();
            throw new ConfigException(name + where, "", "YAML syntax error: " + e.getOriginalMessage()
                    .replaceAll("\\s+", " "));
        }
        if (node == null || node.isMissingNode() || node.isNull()) {
            return JsonNodeFactory.instance.objectNode();
        }
        if (!node.isObject()) {
            throw new ConfigException(name, "", "expected a mapping of keys at the top level, got " + node.getNodeType());
        }
        return node;
    }

    private static void removeNulls(ObjectNode node) {
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isNull()) {
                it.remove();
            } else if (e.getValue().isObject()) {
                removeNulls((ObjectNode) e.getValue());
            }
        }
    }

    /** Deep merge: mappings merge key by key, everything else (lists, scalars) replaces. */
    static void merge(ObjectNode into, JsonNode from) {
        Iterator<Map.Entry<String, JsonNode>> it = from.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode existing = into.get(e.getKey());
            if (existing != null && existing.isObject() && e.getValue().isObject()) {
                merge((ObjectNode) existing, e.getValue());
            } else {
                into.set(e.getKey(), e.getValue());
            }
        }
    }

    /**
     * Applies one {@code key.path=value}. The value is parsed as YAML ({@code 3}, {@code 1e-3}, {@code true},
     * {@code [5,5]}, text). In lists, a segment is an index or the {@code name} of an element
     * ({@code model.layers.conv1.n_out=8}).
     */
    public static void applyOverride(ObjectNode root, String override) {
        int eq = override.indexOf('=');
        if (eq <= 0) {
            throw new ConfigException("", "expected key.path=value");
        }
        String path = override.substring(0, eq).trim();
        String raw = override.substring(eq + 1).trim();
        JsonNode value;
        try {
            value = raw.isEmpty() ? JsonNodeFactory.instance.textNode("") : YAML.readTree(raw);
        } catch (JsonProcessingException e) {
            throw new ConfigException(path, "cannot parse value '" + raw + "'");
        }
        if (value == null || value.isMissingNode()) {
            value = JsonNodeFactory.instance.textNode(raw);
        }
        String[] parts = path.split("\\.");
        JsonNode cur = root;
        StringBuilder seen = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            boolean last = i == parts.length - 1;
            if (part.isEmpty()) {
                throw new ConfigException(path, "empty segment in key path");
            }
            String here = seen.length() == 0 ? part : seen + "." + part;
            if (cur instanceof ObjectNode obj) {
                if (last) {
                    obj.set(part, value);
                    return;
                }
                JsonNode next = obj.get(part);
                if (next == null || next.isNull()) {
                    next = obj.putObject(part);
                } else if (!next.isContainerNode()) {
                    throw new ConfigException(here, "is a value, not a section; cannot set " + path);
                }
                cur = next;
            } else if (cur instanceof ArrayNode arr) {
                int idx = indexIn(arr, part, here);
                if (last) {
                    arr.set(idx, value);
                    return;
                }
                cur = arr.get(idx);
            } else {
                throw new ConfigException(here, "is a value, not a section");
            }
            seen.setLength(0);
            seen.append(here);
        }
    }

    private static int indexIn(ArrayNode arr, String part, String here) {
        if (part.chars().allMatch(Character::isDigit)) {
            int idx = Integer.parseInt(part);
            if (idx >= arr.size()) {
                throw new ConfigException(here, "index out of range (list has " + arr.size() + " elements)");
            }
            return idx;
        }
        List<String> names = new ArrayList<>();
        for (int j = 0; j < arr.size(); j++) {
            JsonNode n = arr.get(j).get("name");
            if (n != null && n.isTextual()) {
                if (n.asText().equals(part)) {
                    return j;
                }
                names.add(n.asText());
            }
        }
        throw new ConfigException(here, "no element named '" + part + "'" + Suggest.hint(part, names));
    }

    private static <T> T bind(String name, JsonNode tree, Class<T> type) {
        try {
            return YAML.treeToValue(tree, type);
        } catch (UnrecognizedPropertyException e) {
            List<String> known = e.getKnownPropertyIds() == null ? List.of()
                    : e.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList();
            throw new ConfigException(name, path(e), "unknown key" + Suggest.hint(e.getPropertyName(), known)
                    + (known.isEmpty() ? "" : " (known here: " + String.join(", ", known) + ")"));
        } catch (InvalidFormatException e) {
            Class<?> target = e.getTargetType();
            if (target != null && target.isEnum()) {
                List<String> values = Arrays.stream(target.getEnumConstants()).map(Object::toString).toList();
                throw new ConfigException(name, path(e), "unknown value '" + e.getValue() + "' (one of: "
                        + String.join(", ", values) + ")" + Suggest.hint(String.valueOf(e.getValue()), values));
            }
            throw new ConfigException(name, path(e), "expected " + typeName(target) + ", got '" + e.getValue() + "'");
        } catch (ValueInstantiationException e) {
            Throwable c = e.getCause();
            if (c instanceof ConfigException ce) {
                throw ce.in(name);
            }
            throw new ConfigException(name, path(e), c == null ? e.getOriginalMessage() : c.getMessage());
        } catch (MismatchedInputException e) {
            throw new ConfigException(name, path(e), "expected " + typeName(e.getTargetType()) + " ("
                    + firstLine(e.getOriginalMessage()) + ")");
        } catch (JsonMappingException e) {
            throw new ConfigException(name, path(e), firstLine(e.getOriginalMessage()));
        } catch (JsonProcessingException e) {
            throw new ConfigException(name, "", firstLine(e.getOriginalMessage()));
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "invalid value";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static String typeName(Class<?> c) {
        if (c == null) {
            return "a different type";
        }
        if (c == int.class || c == Integer.class || c == long.class || c == Long.class) {
            return "an integer";
        }
        if (c == double.class || c == Double.class || c == float.class || c == Float.class) {
            return "a number";
        }
        if (c == boolean.class || c == Boolean.class) {
            return "true or false";
        }
        if (c == String.class) {
            return "text";
        }
        if (List.class.isAssignableFrom(c)) {
            return "a list";
        }
        if (Map.class.isAssignableFrom(c) || c.isRecord()) {
            return "a mapping";
        }
        return c.getSimpleName();
    }

    /** Dotted key path of a Jackson mapping error: {@code model.layers[2].kernel}. */
    static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }
}
