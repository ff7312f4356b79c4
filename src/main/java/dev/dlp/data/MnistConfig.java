package dev.dlp.data;

import dev.dlp.config.Check;

import java.nio.file.Path;

/**
 * The {@code data:} section of the MNIST pipelines.
 *
 * @param dir        data directory with the four IDX files ({@code --data-dir} and {@code $DLP_DATA} win)
 * @param valSize    validation examples carved (by seed) from the 60k training set
 * @param trainLimit train on at most this many of the remaining examples; 0 = all
 * @param testLimit  evaluate on the first N test examples; 0 = all 10k
 * @param noise      autoencoders only: standard deviation of the Gaussian noise added to the inputs (clipped to
 *                   [0, 1]; targets stay clean); 0 = plain autoencoder
 */
public record MnistConfig(String dir, int valSize, int trainLimit, int testLimit, double noise) {
    public static final MnistConfig DEFAULTS = new MnistConfig("data", 5000, 0, 0, 0.0);

    public void validate() {
        Check.atLeast("data.val_size", valSize, 1);
        Check.atLeast("data.train_limit", trainLimit, 0);
        Check.atLeast("data.test_limit", testLimit, 0);
        Check.inRange("data.noise", noise, 0, 10);
    }

    /**
     * A noisy copy of {@code pixels}: each value plus {@code noise * N(0, 1)}, clipped to [0, 1]. The draw is a
     * function of {@code seed}, so every run and resume sees the same noisy inputs.
     */
    public float[] noisy(float[] pixels, long seed) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        float[] out = new float[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            double g = Gaussian.next(r);
            out[i] = (float) Math.min(1.0, Math.max(0.0, pixels[i] + noise * g));
        }
        return out;
    }


    /** Training and validation splits of MNIST's training set. */
    public record Splits(Mnist.Images train, Mnist.Images val) {
    }

    /** Loads the training file and carves the validation split by {@code seed}. */
    public Splits load(Path dataDir, long seed) {
        Mnist.Images all = Mnist.load(dataDir, Mnist.Split.TRAIN, 0);
        if (valSize >= all.size()) {
            throw new dev.dlp.config.ConfigException("data.val_size", "must be smaller than the " + all.size()
                    + " training examples, got " + valSize);
        }
        int[] order = dev.dlp.train.Shuffles.MNIST_VALIDATION_SPLIT.permutation(all.size(), seed);
        int trainN = all.size() - valSize;
        if (trainLimit > 0) {
            trainN = Math.min(trainN, trainLimit);
        }
        return new Splits(gather(all, order, valSize, valSize + trainN), gather(all, order, 0, valSize));
    }

    public Mnist.Images loadTest(Path dataDir) {
        return Mnist.load(dataDir, Mnist.Split.TEST, testLimit);
    }

    private static Mnist.Images gather(Mnist.Images all, int[] order, int from, int to) {
        float[] px = new float[(to - from) * Mnist.PIXELS];
        int[] labels = new int[to - from];
        for (int i = from; i < to; i++) {
            System.arraycopy(all.pixels(), order[i] * Mnist.PIXELS, px, (i - from) * Mnist.PIXELS, Mnist.PIXELS);
            labels[i - from] = all.labels()[order[i]];
        }
        return new Mnist.Images(px, labels);
    }
}
