package dev.dlp.ui;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.deeplearning4j.core.storage.StatsStorage;
import org.deeplearning4j.ui.model.storage.FileStatsStorage;
import org.deeplearning4j.ui.model.storage.InMemoryStatsStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * {@code dlp ui}: DL4J's training UI over every run directory under a runs root that has statistics
 * ({@code train.stats}). Each run is one session of the UI (named as {@link RunStats#sessionId} says).
 *
 * <p>The UI reads each run's statistics into memory and serves them from there: a finished run's {@code stats.dl4j}
 * once (copied out and closed again at once, so that the run can be resumed while the UI runs), a training run's
 * {@code stats.journal} as it grows (every {@link #POLL_MS} ms). Runs that start later appear within a poll.
 */
public final class StatsUi implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StatsUi.class);
    static final long POLL_MS = 2000;
    private static final String PORT_PROPERTY = "org.deeplearning4j.ui.port";

    private final Path root;
    private final Vertx vertx;
    private final BoundUIServer server;
    private final String url;
    private final Map<Path, Watched> runs = new LinkedHashMap<>();
    private final ScheduledExecutorService poller;

    /** One run's statistics as the UI holds them. */
    private static final class Watched {
        final InMemoryStatsStorage storage = new InMemoryStatsStorage();
        final StatsJournal.Tail tail;
        /** True once the run's final stats.dl4j has been read (nothing more will come). */
        boolean complete;

        Watched(Path dir) {
            tail = new StatsJournal.Tail(dir.resolve(StatsJournal.FILE));
        }
    }

    private StatsUi(Path root, Vertx vertx, BoundUIServer server, String url) {
        this.root = root;
        this.vertx = vertx;
        this.server = server;
        this.url = url;
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dlp-ui-runs");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts DL4J's UI on {@code host:port} over the runs under {@code root}. Throws {@link IllegalStateException}
     * when the server cannot listen there (the port is taken, say).
     */
    public static StatsUi start(Path root, String host, int port) {
        System.setProperty(PORT_PROPERTY, Integer.toString(port));
        Vertx vertx = Vertx.vertx();
        BoundUIServer server = new BoundUIServer(host);
        CompletableFuture<String> deployed = new CompletableFuture<>();
        Promise<String> p = Promise.promise();
        p.future().onComplete(r -> {
            if (r.succeeded()) {
                deployed.complete(r.result());
            } else {
                deployed.completeExceptionally(r.cause());
            }
        });
        vertx.deployVerticle(server, p);
        try {
            deployed.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException | InterruptedException e) {
            vertx.close();
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException("cannot serve the UI on " + host + ":" + port + ": " + cause.getMessage(),
                    cause);
        }
        String shownHost = host.equals("0.0.0.0") || host.equals("::") ? hostName() : host;
        StatsUi ui = new StatsUi(root, vertx, server, "http://" + (shownHost.contains(":") ? "[" + shownHost + "]"
                : shownHost) + ":" + port + "/train/overview");
        ui.refresh();
        ui.poller.scheduleWithFixedDelay(ui::refreshQuietly, POLL_MS, POLL_MS, TimeUnit.MILLISECONDS);
        return ui;
    }

    public String url() {
        return url;
    }

    /** The sessions (runs) the UI serves now. */
    public synchronized List<String> sessions() {
        List<String> out = new ArrayList<>();
        runs.values().forEach(w -> out.addAll(w.storage.listSessionIDs()));
        return out;
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException e) {
            LOG.warn("ui: reading the runs under {}: {}", root, e.toString());
        }
    }

    /** Finds new runs with statistics and reads what is new in every run still training. */
    synchronized void refresh() {
        for (Path dir : runDirs(root)) {
            Watched w = runs.get(dir);
            if (w == null) {
                if (!Files.exists(dir.resolve(StatsJournal.FILE)) && !Files.exists(dir.resolve(RunStats.FILE))) {
                    continue;
                }
                w = new Watched(dir);
                runs.put(dir, w);
                update(dir, w);
                server.attach(w.storage);
                LOG.info("ui: session {} ({})", RunStats.sessionId(dir), dir);
            } else {
                update(dir, w);
            }
        }
    }

    /** Reads the run's journal while there is one, else (once) its stats.dl4j. */
    private static void update(Path dir, Watched w) {
        if (w.tail.exists()) {
            try {
                w.tail.poll().forEach(e -> e.into(w.storage));
                w.complete = false;   // a resumed run writes a journal again
            } catch (IOException e) {
                LOG.warn("ui: {}: {}", dir.resolve(StatsJournal.FILE), e.getMessage());
            }
            return;
        }
        if (w.complete || !Files.exists(dir.resolve(RunStats.FILE))) {
            return;
        }
        // the run has closed its stats (or was killed with no journal left): stats.dl4j holds them all
        try {
            StatsStorage file = new FileStatsStorage(dir.resolve(RunStats.FILE).toFile());
            try {
                for (String session : file.listSessionIDs()) {
                    StatsJournal.entries(file, session).forEach(e -> e.into(w.storage));
                }
            } finally {
                file.close();
            }
            w.complete = true;
        } catch (IOException | RuntimeException e) {
            LOG.debug("ui: {} not readable yet: {}", dir.resolve(RunStats.FILE), e.toString());
        }
    }

    /** Run directories: {@code root/<pipeline>/<run>}. */
    static List<Path> runDirs(Path root) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        try (Stream<Path> pipelines = Files.list(root)) {
            for (Path p : pipelines.filter(Files::isDirectory).sorted().toList()) {
                try (Stream<Path> rs = Files.list(p)) {
                    rs.filter(Files::isDirectory).sorted().forEach(out::add);
                }
            }
        } catch (IOException e) {
            LOG.debug("ui: listing {}: {}", root, e.toString());
        }
        return out;
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    /** Stops the server and lets go of the runs. */
    @Override
    public void close() {
        poller.shutdownNow();
        try {
            server.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.debug("ui: stopping the server: {}", e.toString());
        }
        CompletableFuture<Void> closed = new CompletableFuture<>();
        vertx.close(r -> closed.complete(null));
        try {
            closed.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException | InterruptedException e) {
            LOG.debug("ui: closing Vert.x: {}", e.toString());
        }
        synchronized (this) {
            runs.values().forEach(w -> {
                try {
                    w.storage.close();
                } catch (IOException e) {
                    LOG.debug("ui: {}", e.toString());
                }
            });
            runs.clear();
        }
    }
}
