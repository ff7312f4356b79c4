package dev.dlp.ui;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dlp.SyntheticMnist;
import dev.dlp.TestCli;
import dev.dlp.config.ConfigLoader;
import org.deeplearning4j.core.storage.Persistable;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.ui.model.stats.StatsListener;
import org.deeplearning4j.ui.model.stats.api.StatsReport;
import org.deeplearning4j.ui.model.stats.impl.DefaultStatsInitializationConfiguration;
import org.deeplearning4j.ui.model.stats.impl.DefaultStatsUpdateConfiguration;
import org.deeplearning4j.ui.model.storage.FileStatsStorage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * {@code --stats} writes DL4J's statistics into the run directory, and {@code dlp ui} serves them through DL4J's
 * training UI: pages, the session list and the overview's data (the run's own scores), live updates of a run that is
 * still writing, and nothing on other addresses than the one asked for.
 */
class StatsUiTest {
    @TempDir
    static Path tmp;
    static Path root;
    static Path run;
    static StatsUi ui;
    static int port;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void trainAndServe() throws IOException {
        Path data = tmp.resolve("data");
        SyntheticMnist.write(data, 640, 100);
        root = tmp.resolve("models");
        TestCli.Outcome o = TestCli.run("lenet", "--config", "mnist-mlp", "--data-dir", data.toString(), "--runs-root",
                root.toString(), "-q", "--set", "data.val_size=64", "--set", "train.epochs=2", "--stats", "--set",
                "train.stats_every=3", "--run-name", "watched");
        assertEquals(0, o.exit(), o.toString());
        try (Stream<Path> s = Files.list(root.resolve("lenet"))) {
            run = s.filter(p -> p.getFileName().toString().endsWith("-watched")).findFirst().orElseThrow();
        }
        port = freePort();
        ui = StatsUi.start(root, "127.0.0.1", port);
    }

    @AfterAll
    static void stop() {
        if (ui != null) {
            ui.close();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The scores DL4J's listener recorded, in time order, read with DL4J's own FileStatsStorage. */
    static List<Double> recordedScores() throws IOException {
        FileStatsStorage s = new FileStatsStorage(run.resolve(RunStats.FILE).toFile());
        try {
            String session = RunStats.sessionId(run);
            List<Double> scores = new ArrayList<>();
            for (Persistable p : s.getAllUpdatesAfter(session, "StatsListener", RunStats.WORKER, -1)) {
                scores.add(((StatsReport) p).getScore());
            }
            return scores;
        } finally {
            s.close();
        }
    }

    @Test
    void theRunKeepsDl4jStatsAndNoJournal() throws IOException {
        assertTrue(Files.isRegularFile(run.resolve(RunStats.FILE)));
        assertFalse(Files.exists(run.resolve(StatsJournal.FILE)), "the journal is deleted when the run ends");
        JsonNode summary = ConfigLoader.json().readTree(run.resolve("summary.json").toFile());
        assertEquals(RunStats.sessionId(run), summary.path("stats").path("session").asText());
        assertEquals(3, summary.path("stats").path("every_iterations").asInt());
        // 2 epochs of 576 examples at batch 64 = 18 iterations: a report every 3
        List<Double> scores = recordedScores();
        assertTrue(scores.size() >= 5 && scores.size() <= 7, "reports: " + scores);
        assertTrue(scores.stream().allMatch(v -> Double.isFinite(v) && v > 0), scores.toString());
    }

    @Test
    void pagesAndDataEndpointServeTheRun() throws Exception {
        assertEquals(200, get("/train/overview").statusCode());
        assertTrue(get("/train/overview").body().contains("scoreiterchart"));
        for (String page : List.of("/train/model", "/train/system", "/train/sessions/current")) {
            assertEquals(200, get(page).statusCode(), page);
        }
        String session = RunStats.sessionId(run);
        JsonNode sessions = ConfigLoader.json().readTree(get("/train/sessions/info").body());
        assertTrue(sessions.has(session), sessions.toString());
        assertEquals(200, get("/train/sessions/set/" + session).statusCode());
        JsonNode data = ConfigLoader.json().readTree(get("/train/overview/data").body());
        List<Double> served = new ArrayList<>();
        data.path("scores").forEach(n -> served.add(n.asDouble()));
        List<Double> recorded = recordedScores();
        assertEquals(recorded.size(), served.size(), data.toString());
        for (int i = 0; i < recorded.size(); i++) {
            assertEquals(recorded.get(i), served.get(i), 1e-9, "score " + i);
        }
        assertTrue(data.path("updateRatios").size() > 0, "update:parameter ratios per layer");
    }

    @Test
    void aRunStillWritingItsJournalUpdatesLive() throws Exception {
        Path dir = Files.createDirectories(root.resolve("lenet").resolve("20990101T000000Z-abcdef-live"));
        String session = RunStats.sessionId(dir);
        ComputationGraph g = tinyGraph();
        Path journal = dir.resolve(StatsJournal.FILE);
        try (StatsJournal.Writer w = new StatsJournal.Writer(journal)) {
            g.setListeners(new StatsListener(w, new DefaultStatsInitializationConfiguration(true, true, true),
                    new DefaultStatsUpdateConfiguration.Builder().reportingFrequency(1).build(), session,
                    RunStats.WORKER));
            INDArray x = Nd4j.rand(8, 4);
            INDArray y = Nd4j.zeros(8, 2);
            y.getColumn(0).assign(1);
            for (int i = 0; i < 3; i++) {
                g.fit(new INDArray[]{x}, new INDArray[]{y});
            }
            ui.refresh();
            assertTrue(ui.sessions().contains(session), ui.sessions().toString());
            int before = updates(session);
            assertEquals(3, before);
            for (int i = 0; i < 4; i++) {
                g.fit(new INDArray[]{x}, new INDArray[]{y});
            }
            ui.refresh();
            assertEquals(7, updates(session), "the UI read what the run wrote since");
        }
        JsonNode sessions = ConfigLoader.json().readTree(get("/train/sessions/info").body());
        assertTrue(sessions.has(session), sessions.toString());
    }

    /** The session's update count as the UI's TrainModule reports it (total parameter updates). */
    private static int updates(String session) throws Exception {
        get("/train/sessions/set/" + session);
        JsonNode data = ConfigLoader.json().readTree(get("/train/overview/data").body());
        return data.path("scores").size();
    }

    private static ComputationGraph tinyGraph() {
        var conf = new NeuralNetConfiguration.Builder().seed(1).graphBuilder().addInputs("in")
                .addLayer("h", new DenseLayer.Builder().nIn(4).nOut(3).activation(Activation.TANH).build(), "in")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(3).nOut(2)
                        .activation(Activation.SOFTMAX).build(), "h")
                .setOutputs("out").build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    @Test
    void listensOnTheAskedAddressOnly() throws IOException {
        List<InetAddress> others = new ArrayList<>();
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                if (!a.isLoopbackAddress() && !a.isLinkLocalAddress() && a.getAddress().length == 4) {
                    others.add(a);
                }
            }
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
        }
        assumeFalse(others.isEmpty(), "this machine has no address but loopback to try");
        for (InetAddress a : others) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(a, port), 2000);
                throw new AssertionError("the UI answers on " + a + ", not only on 127.0.0.1");
            } catch (java.net.ConnectException expected) {
                // refused: nothing listens there
            }
        }
    }

    @Test
    void badInputExits2() {
        TestCli.Outcome noRoot = TestCli.run("ui", "--runs-root", tmp.resolve("nope").toString());
        assertEquals(2, noRoot.exit(), noRoot.toString());
        assertTrue(noRoot.err().contains("--runs-root"), noRoot.err());
        TestCli.Outcome badPort = TestCli.run("ui", "--runs-root", root.toString(), "--port", "70000");
        assertEquals(2, badPort.exit(), badPort.toString());
        TestCli.Outcome taken = TestCli.run("ui", "--runs-root", root.toString(), "--port", Integer.toString(port));
        assertEquals(2, taken.exit(), taken.toString());
        assertTrue(taken.err().contains("--port"), taken.err());
    }
}
