package dev.dlp.pipelines.regress;

import dev.dlp.config.CheckpointConfig;
import dev.dlp.config.PipelineConfig;
import dev.dlp.config.TrainConfig;
import dev.dlp.data.TableConfig;
import dev.dlp.graph.ModelSpec;

import java.util.List;
import java.util.Map;

/**
 * The config of {@code dlp regress}; see {@code configs/regress.yaml}.
 *
 * @param seed       seeds weights, the splits and shuffling
 * @param data       the CSV and its columns
 * @param model      {@code kind: linear} (identity + MSE) or {@code logistic} (sigmoid + log-loss, binary target)
 * @param train      epochs, batch size (>= the training rows: full-batch gradient descent), updater...
 * @param checkpoint checkpoint frequency and retention
 */
public record RegressConfig(long seed, TableConfig data, Model model, TrainConfig train,
                            CheckpointConfig checkpoint) implements PipelineConfig {

    public static final RegressConfig DEFAULTS = new RegressConfig(42,
            new TableConfig("", List.of(), "medv", List.of(), List.of(), "error", 0.2, 0.0, true),
            new Model(Kind.LINEAR), TrainConfig.of(500, 4096, 0.05, TrainConfig.ScheduleConfig.exponential(0.999),
                    TrainConfig.WeightInitKind.ZERO, false), CheckpointConfig.every(250));

    /** @param kind linear or logistic */
    public record Model(Kind kind) {
    }

    public enum Kind {
        LINEAR, LOGISTIC;

        @Override
        public String toString() {
            return name().toLowerCase();
        }
    }

    /** One output unit on the inputs: the feature count comes from the data. */
    @Override
    public ModelSpec network() {
        boolean logistic = model.kind() == Kind.LOGISTIC;
        return new ModelSpec(Map.of("x", new ModelSpec.InputSpec(ModelSpec.InputKind.FEED_FORWARD, null, null, null,
                null, null)), List.of(Map.of("name", "out", "type", "output", "n_out", 1,
                "activation", logistic ? "sigmoid" : "identity", "loss", logistic ? "xent" : "mse")), List.of());
    }

    @Override
    public void validate() {
        data.validate();
        train.validate();
        checkpoint.validate();
    }
}
