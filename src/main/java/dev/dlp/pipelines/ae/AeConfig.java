package dev.dlp.pipelines.ae;

import dev.dlp.config.CheckpointConfig;
import dev.dlp.config.ConfigException;
import dev.dlp.config.PipelineConfig;
import dev.dlp.config.TrainConfig;
import dev.dlp.data.MnistConfig;
import dev.dlp.graph.ModelSpec;

/**
 * The config of {@code dlp ae} / {@code dlp conv-ae}; see {@code configs/ae.yaml} and {@code configs/conv-ae.yaml}.
 *
 * @param seed       seeds weights, the validation split, shuffling and the input noise
 * @param data       MNIST location, splits and {@code noise} (denoising mode when > 0)
 * @param model      the network: input image in, reconstruction (784 values or 1x28x28) out
 * @param codeLayer  the name of the bottleneck layer, for {@code encode} and {@code codes.png}
 * @param train      epochs, batch size, updater...
 * @param checkpoint checkpoint frequency and retention
 */
public record AeConfig(long seed, MnistConfig data, ModelSpec model, String codeLayer, TrainConfig train,
                       CheckpointConfig checkpoint) implements PipelineConfig {

    /** = ae.yaml outside its model (DefaultsTest). */
    public static final AeConfig DEFAULTS = new AeConfig(42, MnistConfig.DEFAULTS, null, "code",
            TrainConfig.of(20, 128, 0.002, TrainConfig.ScheduleConfig.exponential(0.9),
                    TrainConfig.WeightInitKind.XAVIER, true), CheckpointConfig.DEFAULTS);
    /** = conv-ae.yaml outside its model (DefaultsTest). */
    public static final AeConfig CONV_DEFAULTS = new AeConfig(42, MnistConfig.DEFAULTS, null, "code",
            TrainConfig.of(40, 64, 0.003, TrainConfig.ScheduleConfig.exponential(0.95),
                    TrainConfig.WeightInitKind.RELU, true, 0), CheckpointConfig.DEFAULTS);

    @Override
    public ModelSpec network() {
        return model;
    }

    @Override
    public void validate() {
        data.validate();
        train.validate();
        checkpoint.validate();
        boolean known = model != null && model.layers().stream().anyMatch(l -> codeLayer.equals(l.get("name")));
        if (!known) {
            throw new ConfigException("code_layer", "no layer named '" + codeLayer + "' in model.layers");
        }
    }
}
