package dev.dlp;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/**
 * Writes MNIST-format IDX files of an easy synthetic task: class c is a bright 5x12 block at one of ten places
 * on noise. A small network learns it in a couple of epochs, so tests can assert that the loss falls.
 */
public final class SyntheticMnist {
    private SyntheticMnist() {
    }

    public static byte[] images(int n, long seed, int[] labelsOut) {
        Random r = new Random(seed);
        byte[] px = new byte[n * 784];
        for (int i = 0; i < n; i++) {
            int c = r.nextInt(10);
            labelsOut[i] = c;
            for (int p = 0; p < 784; p++) {
                px[i * 784 + p] = (byte) r.nextInt(60);
            }
            int top = 2 + (c % 5) * 5;
            int left = c < 5 ? 2 : 14;
            for (int y = top; y < top + 4; y++) {
                for (int x = left; x < left + 12; x++) {
                    px[i * 784 + y * 28 + x] = (byte) (200 + r.nextInt(55));
                }
            }
        }
        return px;
    }

    /** Writes train (n) and t10k (nTest) files into {@code dir}; gzip for the test files. */
    public static void write(Path dir, int n, int nTest) throws IOException {
        Files.createDirectories(dir);
        int[] labels = new int[n];
        byte[] px = images(n, 1, labels);
        writeIdx(dir.resolve("train-images-idx3-ubyte"), false, new int[]{n, 28, 28}, px, 3);
        writeIdx(dir.resolve("train-labels-idx1-ubyte"), false, new int[]{n}, toBytes(labels), 1);
        int[] tl = new int[nTest];
        byte[] tp = images(nTest, 2, tl);
        writeIdx(dir.resolve("t10k-images-idx3-ubyte.gz"), true, new int[]{nTest, 28, 28}, tp, 3);
        writeIdx(dir.resolve("t10k-labels-idx1-ubyte.gz"), true, new int[]{nTest}, toBytes(tl), 1);
    }

    static byte[] toBytes(int[] labels) {
        byte[] b = new byte[labels.length];
        for (int i = 0; i < labels.length; i++) {
            b[i] = (byte) labels[i];
        }
        return b;
    }

    public static void writeIdx(Path file, boolean gzip, int[] dims, byte[] data, int ndims) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(bytes);
        d.writeInt(0x00000800 | ndims);
        for (int x : dims) {
            d.writeInt(x);
        }
        d.write(data);
        d.flush();
        try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
            out.write(bytes.toByteArray());
        }
    }
}
