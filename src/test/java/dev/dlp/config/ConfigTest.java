package dev.dlp.config;

import dev.dlp.TestCli;
import dev.dlp.graph.GraphFactory;
import dev.dlp.pipelines.lenet.LenetConfig;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigTest {
    @TempDir
    Path dir;

    static List<String> shipped() {
        return ConfigLoader.shippedNames();
    }

    private static ConfigLoader.Loaded<LenetConfig> load(String name, List<String> overrides) {
        return ConfigLoader.load(ConfigLoader.resolve(name, "lenet5"), overrides, LenetConfig.class,
                LenetConfig.DEFAULTS);
    }

    @ParameterizedTest
    @MethodSource("shipped")
    void everyShippedTrainingConfigLoadsAndBuilds(String name) {
        String pipeline = ConfigLoader.shipped().get(name);
        dev.dlp.pipelines.Pipeline<?, ?> p = dev.dlp.pipelines.Pipelines.byName(pipeline).orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(p != null, name + " is not a training config");
        var resolved = dev.dlp.pipelines.Launcher.resolve(p, ConfigLoader.resolve(name, name), List.of());
        ComputationGraphConfiguration conf = resolved.graphConf();
        if (conf == null) { // tabular: the feature count comes from the data
            var c = (dev.dlp.config.PipelineConfig) resolved.config();
            assertFalse(c.network().complete(), name + ": built late only when the input size is left to the data");
            List<java.util.Map<String, Object>> layers = c.network().layers().stream().map(l -> {
                java.util.Map<String, Object> m = new java.util.LinkedHashMap<>(l);
                if (String.valueOf(m.get("type")).endsWith("output")) {
                    m.putIfAbsent("n_out", 5); // a vocabulary of 5
                }
                return m;
            }).toList();
            conf = GraphFactory.build(new dev.dlp.graph.ModelSpec(c.network().inputs(), layers,
                    c.network().outputs()).withFeatureCount(5), c.train(), c.seed());
        } else {
            assertEquals(8, resolved.architecture().length() / 2, "architecture hash is 8 bytes of hex");
        }
        assertEquals(1, conf.getNetworkOutputs().size());
        assertFalse(conf.getVertices().isEmpty());
    }

    @Test
    void shippedListIsCompleteAndNamesItsSubcommands() throws IOException {
        try (var files = Files.list(Path.of("src/main/resources/configs"))) {
            List<String> onDisk = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml"))
                    .map(n -> n.substring(0, n.length() - 5)).sorted().toList();
            assertEquals(onDisk, shipped().stream().sorted().toList());
        }
        assertEquals("lenet", ConfigLoader.shipped().get("lenet5"));
        assertEquals("conv-ae", ConfigLoader.shipped().get("conv-ae"));
    }

    @Test
    void overridesAreTypedAndAddressListElementsByName() {
        LenetConfig c = load("lenet5", List.of("train.epochs=3", "train.updater.lr=1e-2", "seed=7",
                "model.layers.conv1.n_out=8", "train.updater.type=SGD")).value();
        assertEquals(3, c.train().epochs());
        assertEquals(0.01, c.train().updater().lr(), 1e-12);
        assertEquals(7, c.seed());
        assertEquals(8, c.model().layers().get(0).get("n_out"));
        assertEquals(TrainConfig.UpdaterKind.SGD, c.train().updater().type());
        // the 6 -> 8 change reaches the built network
        ComputationGraphConfiguration conf = GraphFactory.build(c.model(), c.train(), c.seed());
        assertTrue(conf.toJson().contains("\"nout\" : 8") || conf.toJson().contains("\"nOut\" : 8"));
    }

    @Test
    void resolvedConfigReproducesTheRun() {
        ConfigLoader.Loaded<LenetConfig> a = load("mnist-mlp", List.of("train.epochs=2"));
        ConfigLoader.Loaded<LenetConfig> b = ConfigLoader.loadText("resolved", a.toYaml(), List.of(),
                LenetConfig.class, LenetConfig.DEFAULTS);
        assertEquals(a.value(), b.value());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "train.epoch=3          | train.epoch        | did you mean 'epochs'",
        "train.epochs=0         | train.epochs       | must be >= 1",
        "train.batch_size=0     | train.batch_size   | must be >= 1",
        "train.updater.lr=0     | train.updater.lr   | must be > 0",
        "train.updater.lr=-1    | train.updater.lr   | must be > 0",
        "train.epochs=three     | train.epochs       | expected an integer",
        "train.epochs=2.5       | train.epochs       | expected an integer",
        "train.updater.type=adamm | train.updater.type | did you mean 'adam'",
        "model.layers.conv1.kernel=40 | conv1      | ",
        "model.layers.conv1.kernal=3  | model.layers.conv1.kernal | did you mean 'kernel'",
        "model.layers.conv1.type=convv | model.layers.conv1.type | did you mean 'conv'",
        "model.layers.conv9.n_out=3 | model.layers.conv9 | did you mean 'conv1'",
        "model.layers.pool1.stride=0 | model.layers.pool1.stride | must be >= 1",
        "model.layers.fc1.activation=rellu | model.layers.fc1.activation | did you mean 'relu'",
        "data.val_size=0 | data.val_size | must be >= 1",
    })
    void badValuesFailWithExit2NamingTheKey(String override, String key, String hint) {
        TestCli.Outcome o = TestCli.run("lenet", "--runs-root", dir.resolve("models").toString(), "--set", override);
        assertEquals(2, o.exit(), o.toString());
        assertTrue(o.err().contains(key), o.toString());
        if (hint != null && !hint.isBlank()) {
            assertTrue(o.err().contains(hint.trim()), o.toString());
        }
        assertEquals(1, o.err().strip().lines().count(), "one-line error: " + o.err());
        assertFalse(Files.exists(dir.resolve("models")), "a bad config must not create a run directory");
    }

    @Test
    void yamlSyntaxErrorNamesFileAndLine() throws IOException {
        Path f = dir.resolve("broken.yaml");
        Files.writeString(f, "seed: 1\ntrain:\n  epochs: [1, 2\n  batch_size: 3\n");
        TestCli.Outcome o = TestCli.run("lenet", "--config", f.toString());
        assertEquals(2, o.exit(), o.toString());
        assertTrue(o.err().contains("broken.yaml:"), o.toString());
        assertTrue(o.err().contains("YAML syntax error"), o.toString());
    }

    @Test
    void unknownTopLevelKeyInFileIsRejectedWithSuggestion() throws IOException {
        Path f = dir.resolve("typo.yaml");
        Files.writeString(f, Files.readString(Path.of("src/main/resources/configs/mnist-softmax.yaml"))
                + "\ntrian:\n  epochs: 2\n");
        TestCli.Outcome o = TestCli.run("lenet", "--config", f.toString());
        assertEquals(2, o.exit(), o.toString());
        assertTrue(o.err().contains("typo.yaml: trian: unknown key (did you mean 'train'?)"), o.toString());
    }

    @Test
    void missingConfigFileAndMalformedSetAreBadInput() {
        assertEquals(2, TestCli.run("lenet", "--config", dir.resolve("nope.yaml").toString()).exit());
        TestCli.Outcome o = TestCli.run("lenet", "--set", "train.epochs");
        assertEquals(2, o.exit());
        assertTrue(o.err().contains("key.path=value"), o.toString());
    }

    @Test
    void overrideIntoAValueIsRejected() {
        ConfigException e = assertThrows(ConfigException.class, () -> load("lenet5", List.of("seed.x=1")));
        assertTrue(e.getMessage().contains("seed"), e.getMessage());
    }

    @Test
    void suggestionsNeedACloseMatch() {
        assertEquals("epochs", Suggest.nearest("epoch", List.of("epochs", "batch_size")));
        assertEquals(null, Suggest.nearest("zzzzzz", List.of("epochs", "batch_size")));
    }
}
