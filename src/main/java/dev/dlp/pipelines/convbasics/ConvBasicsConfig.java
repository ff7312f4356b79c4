package dev.dlp.pipelines.convbasics;

import dev.dlp.config.Check;
import dev.dlp.config.ConfigException;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The config of {@code dlp conv-basics}; see {@code configs/conv-basics.yaml} for every key with its meaning.
 *
 * @param seed     seeds the random input and the random kernels
 * @param input    what is convolved: seeded noise, an MNIST test digit or an image file
 * @param data     where MNIST is (for {@code input.source: digit})
 * @param kernels  kernel names, optionally sized ({@code gaussian:5}); see {@link Kernels}
 * @param padding  paddings: {@code valid}, {@code same} or a number of zeros on every side
 * @param stride   strides (>= 1)
 * @param dilation spacing between kernel taps (>= 1)
 */
public record ConvBasicsConfig(long seed, InputConfig input, DataConfig data, List<String> kernels,
                               List<String> padding, List<Integer> stride, int dilation) {

    public static final ConvBasicsConfig DEFAULTS = new ConvBasicsConfig(42, InputConfig.DEFAULTS,
            DataConfig.DEFAULTS, List.of("identity", "sobel-x", "gaussian:5"), List.of("valid", "same", "2"),
            List.of(1, 2), 1);

    /** Checks every value; returns the parsed kernels and paddings. */
    Parsed validate() {
        input.validate();
        nonEmpty("kernels", kernels);
        nonEmpty("padding", padding);
        nonEmpty("stride", stride);
        Set<String> seen = new HashSet<>();
        List<Kernels.Kernel> ks = new java.util.ArrayList<>();
        for (int i = 0; i < kernels.size(); i++) {
            String key = "kernels[" + i + "]";
            if (!seen.add(String.valueOf(kernels.get(i)))) {
                throw new ConfigException(key, "'" + kernels.get(i) + "' is listed twice");
            }
            ks.add(Kernels.parse(key, kernels.get(i), seed));
        }
        List<Padding> ps = new java.util.ArrayList<>();
        for (int i = 0; i < padding.size(); i++) {
            ps.add(Padding.parse("padding[" + i + "]", padding.get(i)));
        }
        for (int i = 0; i < stride.size(); i++) {
            if (stride.get(i) == null) {
                throw new ConfigException("stride[" + i + "]", "must be a number >= 1");
            }
            Check.atLeast("stride[" + i + "]", stride.get(i), 1);
        }
        Check.atLeast("dilation", dilation, 1);
        return new Parsed(ks, ps);
    }

    private static void nonEmpty(String key, List<?> list) {
        if (list == null || list.isEmpty()) {
            throw new ConfigException(key, "needs at least one value");
        }
    }

    /** The kernels and paddings of a validated config. */
    record Parsed(List<Kernels.Kernel> kernels, List<Padding> paddings) {
    }

    /** Where the input image comes from. */
    public enum Source {
        RANDOM, DIGIT, IMAGE;

        @Override
        public String toString() {
            return name().toLowerCase();
        }
    }

    /**
     * The {@code input:} section.
     *
     * @param source  random, digit or image
     * @param height  rows of the random input
     * @param width   columns of the random input
     * @param digit   the first MNIST test image of this digit (0-9)
     * @param image   a PNG/JPEG file, read as grayscale in [0, 1]
     * @param maxSide larger images are scaled down to this many pixels on their longer side
     */
    public record InputConfig(Source source, int height, int width, int digit, String image, int maxSide) {
        public static final InputConfig DEFAULTS = new InputConfig(Source.RANDOM, 16, 16, 7, null, 64);

        void validate() {
            Check.atLeast("input.height", height, 1);
            Check.atLeast("input.width", width, 1);
            Check.atLeast("input.max_side", maxSide, 1);
            if (height > 1024 || width > 1024) {
                throw new ConfigException("input.height", "random input is at most 1024x1024, got " + height + "x"
                        + width);
            }
            if (digit < 0 || digit > 9) {
                throw new ConfigException("input.digit", "must be a digit 0-9, got " + digit);
            }
            if (source == Source.IMAGE && (image == null || image.isBlank())) {
                throw new ConfigException("input.image", "source is image but no file is given (--image PNG)");
            }
        }
    }

    /**
     * The {@code data:} section.
     *
     * @param dir MNIST IDX files ({@code --data-dir} and {@code $DLP_DATA} win)
     */
    public record DataConfig(String dir) {
        public static final DataConfig DEFAULTS = new DataConfig("data");
    }
}
