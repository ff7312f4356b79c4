package dev.dlp.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dlp.config.ConfigLoader;
import dev.dlp.run.AtomicFiles;
import dev.dlp.run.Liveness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Who runs which point of a planned sweep, when several processes (job-array tasks, machines sharing the runs
 * root) run its points: {@code points/point-<i>.claim} is created exclusively by the process that runs point i
 * (its host, pid and start, touched every 30 s while it runs); {@code points/point-<i>.json} is the point's
 * result. A claim whose owner is dead (gone from this host, or silent for 5 minutes on another) is taken over:
 * renamed aside first, which only one contender can do, then claimed anew.
 */
final class Claims {
    private final Path dir;

    Claims(Path sweepDir) {
        this.dir = sweepDir.resolve("points");
    }

    Path claimFile(int index) {
        return dir.resolve("point-" + index + ".claim");
    }

    Path resultFile(int index) {
        return dir.resolve("point-" + index + ".json");
    }

    /** The point's recorded result, if any. */
    Optional<ObjectNode> result(int index) {
        try {
            return Optional.of((ObjectNode) ConfigLoader.json().readTree(resultFile(index).toFile()));
        } catch (IOException | ClassCastException e) {
            return Optional.empty();
        }
    }

    void record(ObjectNode point) {
        AtomicFiles.writeString(resultFile(point.path("index").asInt()), point.toPrettyString() + "\n");
    }

    /** Claims point {@code index} for this process; false when a live process holds it. */
    boolean claim(int index) {
        Path claim = claimFile(index);
        try {
            Files.createDirectories(dir);
            for (int attempt = 0; attempt < 3; attempt++) {
                try {
                    Files.writeString(claim, ConfigLoader.json().valueToTree(Liveness.thisProcess()).toString(),
                            java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE);
                    return true;
                } catch (FileAlreadyExistsException held) {
                    Optional<JsonNode> owner = owner(index);
                    if (owner.isEmpty() || Liveness.alive(owner.get(), claim)) {
                        return false;
                    }
                    // a dead owner: move its claim aside (one contender wins the rename), then claim again
                    try {
                        Files.move(claim, claim.resolveSibling(claim.getFileName() + ".stale-" + UUID.randomUUID()),
                                StandardCopyOption.ATOMIC_MOVE);
                    } catch (NoSuchFileException lost) {
                        // another contender moved it first: try to create ours
                    }
                }
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot claim point " + index + " in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The process holding point {@code index}'s claim, if any. */
    Optional<JsonNode> owner(int index) {
        try {
            return Optional.of(ConfigLoader.json().readTree(claimFile(index).toFile()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Shows that the claim's owner is alive (for contenders on other hosts). */
    void touch(int index) {
        try {
            Files.setLastModifiedTime(claimFile(index), FileTime.from(Instant.now()));
        } catch (IOException ignored) {
            // the claim was taken over or removed: the run goes on, its result is still recorded
        }
    }

    void release(int index) {
        try {
            Files.deleteIfExists(claimFile(index));
        } catch (IOException ignored) {
            // a leftover claim of a dead process is taken over later
        }
    }
}
