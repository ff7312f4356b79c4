package dev.dlp.pipelines.admit;

import dev.dlp.config.Check;
import dev.dlp.config.CheckpointConfig;
import dev.dlp.config.PipelineConfig;
import dev.dlp.config.TrainConfig;
import dev.dlp.data.TableConfig;
import dev.dlp.graph.ModelSpec;

import java.util.List;

/**
 * The config of {@code dlp admit}; see {@code configs/admit.yaml}.
 *
 * @param seed       seeds the synthetic data, the split, weights and shuffling
 * @param data       the CSV (empty file = synthetic data) and its columns
 * @param synthetic  the generator used when {@code data.file} is empty
 * @param model      the network; its input size comes from the data (feature count after one-hot)
 * @param train      epochs, batch size, updater...
 * @param checkpoint checkpoint frequency and retention
 */
public record AdmitConfig(long seed, TableConfig data, Synthetic synthetic, ModelSpec model, TrainConfig train,
                          CheckpointConfig checkpoint) implements PipelineConfig {

    public static final AdmitConfig DEFAULTS = new AdmitConfig(42,
            new TableConfig("", List.of(), "admit", List.of(), List.of("rank"), "error", 0.1, 0.0, true),
            new Synthetic(400), null, TrainConfig.of(300, 32, 0.01, TrainConfig.ScheduleConfig.DEFAULTS,
                    TrainConfig.WeightInitKind.XAVIER, false), CheckpointConfig.every(100));

    /** @param rows rows drawn by the generator */
    public record Synthetic(int rows) {
    }

    @Override
    public ModelSpec network() {
        return model;
    }

    @Override
    public void validate() {
        data.validate();
        Check.atLeast("synthetic.rows", synthetic.rows(), 20);
        train.validate();
        checkpoint.validate();
    }
}
