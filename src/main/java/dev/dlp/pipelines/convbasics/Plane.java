package dev.dlp.pipelines.convbasics;

/**
 * A 2-D grayscale image or feature map.
 *
 * @param height rows
 * @param width  columns
 * @param values row-major, {@code height * width} values
 */
public record Plane(int height, int width, float[] values) {
    public Plane {
        if (values.length != height * width) {
            throw new IllegalArgumentException(values.length + " values for " + height + "x" + width);
        }
    }

    public float at(int y, int x) {
        return values[y * width + x];
    }

    public String shape() {
        return height + "x" + width;
    }
}
