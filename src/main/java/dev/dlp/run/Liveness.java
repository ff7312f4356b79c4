package dev.dlp.run;

import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Whether a run's process is still alive. A running run records its host, pid and process start in summary.json
 * ({@code process}) and touches {@code <run>/heartbeat} every {@link #BEAT}; a run that says {@code running} is
 * {@code dead} when, on this host, no process has that pid and start time, or, on another host, its heartbeat is
 * older than {@link #STALE}.
 */
public final class Liveness implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Liveness.class);
    public static final String DEAD = "dead";
    static final Duration BEAT = Duration.ofSeconds(30);
    static final Duration STALE = Duration.ofMinutes(5);
    static final String HEARTBEAT = "heartbeat";

    private final ScheduledExecutorService beat;
    private final Path file;

    private Liveness(ScheduledExecutorService beat, Path file) {
        this.beat = beat;
        this.file = file;
    }

    /** This process, as summary.json's {@code process} records it. */
    public static Map<String, Object> thisProcess() {
        ProcessHandle me = ProcessHandle.current();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("host", host());
        m.put("pid", me.pid());
        m.put("process_start", me.info().startInstant().map(Instant::toString).orElse(null));
        return m;
    }

    /** Starts touching {@code <run>/heartbeat} now and every {@link #BEAT} until closed. */
    public static Liveness start(Path runDir) {
        Path file = runDir.resolve(HEARTBEAT);
        ScheduledExecutorService ex = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dlp-heartbeat");
            t.setDaemon(true);
            return t;
        });
        Runnable touch = () -> {
            try {
                Files.writeString(file, Instant.now() + " " + host() + " " + ProcessHandle.current().pid() + "\n");
            } catch (IOException e) {
                LOG.debug("heartbeat not written: {}", e.getMessage());
            }
        };
        touch.run();
        ex.scheduleAtFixedRate(touch, BEAT.toSeconds(), BEAT.toSeconds(), TimeUnit.SECONDS);
        return new Liveness(ex, file);
    }

    /** Stops the beat and removes the file: a run that has ended needs none (a killed process leaves it behind). */
    @Override
    public void close() {
        beat.shutdownNow();
        try {
            beat.awaitTermination(5, TimeUnit.SECONDS);   // a touch in progress must not write the file again
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.debug("heartbeat not removed: {}", e.getMessage());
        }
    }

    /**
     * The status to show for a run: its summary's, or {@link #DEAD} for a {@code running} run whose process is
     * gone.
     */
    public static String status(Path runDir, JsonNode summary) {
        String status = summary.path("status").asText("?");
        if (!"running".equals(status) || summary.path("process").isMissingNode()) {
            return status;   // (no process recorded: written before liveness was, unknown)
        }
        return alive(summary.path("process"), runDir.resolve(HEARTBEAT)) ? status : DEAD;
    }

    /**
     * Whether the process {@link #thisProcess} described is alive: on this host, by its pid and start time;
     * on another, by {@code heartbeat}'s age (a file it touches every {@link #BEAT}).
     */
    public static boolean alive(JsonNode process, Path heartbeat) {
        if (host().equals(process.path("host").asText())) {
            Optional<ProcessHandle> h = ProcessHandle.of(process.path("pid").asLong());
            return h.isPresent() && h.get().isAlive() && h.get().info().startInstant().map(Instant::toString)
                    .map(s -> s.equals(process.path("process_start").asText(s))).orElse(true);
        }
        try {
            Instant beatAt = Files.getLastModifiedTime(heartbeat).toInstant();
            return Duration.between(beatAt, Instant.now()).compareTo(STALE) <= 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** How often a live process touches its heartbeat file. */
    public static Duration beat() {
        return BEAT;
    }

    static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            String h = System.getenv("HOSTNAME");
            return h == null ? "localhost" : h;
        }
    }
}
