package dev.dlp.pipelines.lenet;

import dev.dlp.config.CheckpointConfig;
import dev.dlp.config.PipelineConfig;
import dev.dlp.config.TrainConfig;
import dev.dlp.data.MnistConfig;
import dev.dlp.graph.ModelSpec;

/**
 * The config of {@code dlp lenet}; see {@code configs/lenet5.yaml} for every key with its meaning.
 *
 * @param seed       seeds weights, the validation split, shuffling and dropout
 * @param data       MNIST location and splits
 * @param model      the network (no default: the shipped configs define it)
 * @param train      epochs, batch size, updater...
 * @param checkpoint checkpoint frequency and retention
 */
public record LenetConfig(long seed, MnistConfig data, ModelSpec model, TrainConfig train,
                          CheckpointConfig checkpoint) implements PipelineConfig {

    /** = lenet5.yaml outside its model (DefaultsTest). */
    public static final LenetConfig DEFAULTS = new LenetConfig(42, MnistConfig.DEFAULTS, null,
            TrainConfig.of(10, 64, 0.001, TrainConfig.ScheduleConfig.exponential(0.8), TrainConfig.WeightInitKind.RELU,
                    true, 0), CheckpointConfig.DEFAULTS);

    @Override
    public ModelSpec network() {
        return model;
    }

    @Override
    public void validate() {
        data.validate();
        if (data.noise() != 0) {
            throw new dev.dlp.config.ConfigException("data.noise", "only the autoencoder pipelines (ae, conv-ae) "
                    + "add input noise; remove it or set it to 0");
        }
        train.validate();
        checkpoint.validate();
    }
}
