package dev.dlp.pipelines;

import dev.dlp.config.PipelineConfig;
import dev.dlp.graph.ModelSpec;
import dev.dlp.run.RunDir;
import dev.dlp.run.Summary;
import dev.dlp.train.BatchSource;
import dev.dlp.train.Trainer;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * One training subcommand: its config type and defaults, its data, and what it reports after training.
 *
 * @param <C> the pipeline's config record
 * @param <D> what the pipeline keeps of its prepared data for {@link #network} and {@link #report} (e.g. the
 *            test set and vocabulary)
 */
public interface Pipeline<C extends PipelineConfig, D> {
    /** Folder name under the runs root, e.g. {@code lenet}. */
    String name();

    /** The shipped config used without {@code --config}, e.g. {@code lenet5}. */
    String defaultConfig();

    Class<C> configType();

    C defaults();

    /** Loads the training data and builds the validator; bad data throws {@code DataException}. */
    Prepared<D> prepare(C config, Context ctx);

    /**
     * The network to train: the config's, with anything that depends on the data filled in (e.g. the number of
     * feature columns of a CSV). Called after {@link #prepare}.
     */
    default ModelSpec network(C config, Prepared<D> data) {
        return config.network();
    }

    /** True when {@link #network} fills in sizes from the data, so the graph is built after {@link #prepare}. */
    default boolean networkFromData() {
        return false;
    }

    /**
     * Checks of the final network that the pipeline's training or report relies on (e.g. vertices it looks up by
     * kind), run before the run directory exists: a failure is a config error.
     */
    default void check(C config, ModelSpec network) {
    }

    /** After training: test-set evaluation, pictures, summary fields, and a result line on stdout. */
    void report(C config, Context ctx, ComputationGraph graph, Prepared<D> data, RunDir run, Summary summary);

    /** The prepared data of a run: training batches, the validator, and the pipeline's own {@code data}. */
    record Prepared<D>(BatchSource train, Trainer.Validator validator, D data) {
    }
}
