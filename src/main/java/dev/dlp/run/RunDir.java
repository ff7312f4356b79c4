package dev.dlp.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;

/**
 * A run directory {@code <runs-root>/<pipeline>/<UTC-timestamp>-<short-id>[-<run-name>]/}. The random short id
 * and an exclusive create make it unique even for parallel runs started in the same second.
 */
public final class RunDir {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;

    private RunDir(Path dir) {
        this.dir = dir;
    }

    /** Bad input unless {@code runName} (may be null) is a usable suffix of a run directory name. */
    public static void checkName(String runName) {
        if (runName != null && !runName.matches("[A-Za-z0-9._=,+-]{1,80}")) {
            throw new dev.dlp.config.ConfigException("--run-name", "may use letters, digits and . _ = , + - (at most "
                    + "80), got '" + runName + "'");
        }
    }

    /** Bad input when {@code runsRoot} exists but is not a directory. */
    public static void checkRoot(Path runsRoot) {
        if (Files.exists(runsRoot) && !Files.isDirectory(runsRoot)) {
            throw new dev.dlp.config.ConfigException("--runs-root", "not a directory: " + runsRoot);
        }
    }

    /** Creates a new, empty run directory. */
    public static RunDir create(Path runsRoot, String pipeline, String runName) {
        checkName(runName);
        checkRoot(runsRoot);
        Path parent = runsRoot.resolve(pipeline);
        try {
            Files.createDirectories(parent);
            for (int attempt = 0; attempt < 100; attempt++) {
                byte[] id = new byte[3];
                RANDOM.nextBytes(id);
                String name = STAMP.format(Instant.now()) + "-" + HexFormat.of().formatHex(id)
                        + (runName == null ? "" : "-" + runName);
                Path dir = parent.resolve(name);
                try {
                    Files.createDirectory(dir);
                    return new RunDir(dir);
                } catch (FileAlreadyExistsException e) {
                    // another run took this name in the same second: draw another id
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a run directory under " + parent + ": " + e.getMessage(), e);
        }
        throw new IllegalStateException("could not find a free run directory name under " + parent);
    }

    /** The run directory {@code --resume} names: bad input unless it holds a run's config.yaml. */
    public static RunDir toResume(Path dir) {
        RunDir run = new RunDir(dir);
        if (!Files.isDirectory(dir) || !Files.isRegularFile(run.configFile())) {
            throw new dev.dlp.config.ConfigException("--resume", "not a run directory (no config.yaml): " + dir);
        }
        return run;
    }

    /** An existing run directory (for resume and eval). */
    public static RunDir open(Path dir) {
        return new RunDir(dir);
    }

    public Path path() {
        return dir;
    }

    public Path resolve(String name) {
        return dir.resolve(name);
    }

    public Path configFile() {
        return dir.resolve("config.yaml");
    }

    public Path summaryFile() {
        return dir.resolve("summary.json");
    }

    public Path modelFile() {
        return dir.resolve("model.zip");
    }

    public Path checkpointsDir() {
        return dir.resolve("checkpoints");
    }

    @Override
    public String toString() {
        return dir.toString();
    }
}
