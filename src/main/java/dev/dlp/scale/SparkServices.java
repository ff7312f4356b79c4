package dev.dlp.scale;

import dev.dlp.config.ConfigException;
import dev.dlp.config.TrainConfig;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ServiceLoader;

/**
 * What dlp's Spark build adds (its sources are in {@code src/spark/java}, built by {@code mvn -Pspark package}):
 * sweeps whose points run as Spark tasks, and data-parallel training by DL4J's parameter averaging. Found with
 * {@link ServiceLoader}; the default build has no implementation, and asking for one there is bad input naming the
 * option or key.
 */
public interface SparkServices {
    /**
     * Runs every point of the planned sweep in {@code sweepDir} as one Spark task on {@code master} (each task runs
     * {@code dlp sweep run --sweep DIR --index I}, so claims, results and run directories are those of a job array).
     * Returns the exit code of {@code dlp sweep}: 0 when every point completed.
     */
    int runSweep(Path sweepDir, int points, String master, PrintWriter out);

    /** A data-parallel trainer of {@code graph} (its parameters and updater state are updated in place). */
    EpochTrainer trainer(ComputationGraph graph, TrainConfig.DistributedConfig config, int batchSize);

    /**
     * The Spark build's services, if this is the Spark build. (A provider named in the class path whose class is
     * missing, as in a target/ left over from the other build, counts as none.)
     */
    static java.util.Optional<SparkServices> find() {
        try {
            return ServiceLoader.load(SparkServices.class).findFirst();
        } catch (java.util.ServiceConfigurationError e) {
            return java.util.Optional.empty();
        }
    }

    /** The Spark build's services, or bad input on {@code key} when this build has none. */
    static SparkServices require(String key) {
        return find().orElseThrow(() -> new ConfigException(key,
                "needs dlp's Spark build, which this one is not: build it with 'mvn -Pspark package' (./dlp then "
                        + "keeps it; see README, \"Scaling out\")"));
    }
}
