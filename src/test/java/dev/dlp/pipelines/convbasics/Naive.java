package dev.dlp.pipelines.convbasics;

/** Direct loops over the definition, in double: the reference the op is checked against. */
final class Naive {
    private Naive() {
    }

    /**
     * Cross-correlation: {@code out[y][x] = sum_ij in[y*s + i*d - top][x*s + j*d - left] * k[i][j]}, zeros outside
     * the input.
     */
    static Plane crossCorrelate(Plane in, Kernels.Kernel k, int top, int left, int outH, int outW, int s, int d) {
        float[] out = new float[outH * outW];
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) {
                double sum = 0;
                for (int i = 0; i < k.size(); i++) {
                    for (int j = 0; j < k.size(); j++) {
                        int r = y * s + i * d - top;
                        int c = x * s + j * d - left;
                        if (r >= 0 && r < in.height() && c >= 0 && c < in.width()) {
                            sum += (double) in.at(r, c) * k.values()[i * k.size() + j];
                        }
                    }
                }
                out[y * outW + x] = (float) sum;
            }
        }
        return new Plane(outH, outW, out);
    }

    /** The same with this padding's zeros and output size. */
    static Plane crossCorrelate(Plane in, Kernels.Kernel k, Padding p, int s, int d) {
        return crossCorrelate(in, k, p.sides(in.height(), k.size(), s, d).before(),
                p.sides(in.width(), k.size(), s, d).before(), p.outSize(in.height(), k.size(), s, d),
                p.outSize(in.width(), k.size(), s, d), s, d);
    }

    /**
     * True convolution, straight from its definition {@code out[y][x] = sum_ij in[y - i][x - j] * k[i][j]} (here with
     * the kernel's centre at {@code c = (k-1)/2}, valid positions only, stride 1): the input is walked backwards
     * under the kernel, which is what flipping the kernel means.
     */
    static Plane convolveValid(Plane in, Kernels.Kernel k) {
        int n = k.size();
        int outH = in.height() - n + 1;
        int outW = in.width() - n + 1;
        float[] out = new float[outH * outW];
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) {
                double sum = 0;
                int cy = y + n - 1;
                int cx = x + n - 1;
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        sum += (double) in.at(cy - i, cx - j) * k.values()[i * n + j];
                    }
                }
                out[y * outW + x] = (float) sum;
            }
        }
        return new Plane(outH, outW, out);
    }
}
