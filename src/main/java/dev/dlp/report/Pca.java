package dev.dlp.report;

/** The first principal components of a small set of vectors (power iteration on the covariance). */
public final class Pca {
    private Pca() {
    }

    /** Projections of {@code rows} ({@code n} vectors of {@code d} values) on the top {@code k} components. */
    public static double[][] project(float[] rows, int n, int d, int k, long seed) {
        double[] mean = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                mean[j] += rows[i * d + j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= n;
        }
        double[][] cov = new double[d][d];
        for (int i = 0; i < n; i++) {
            for (int a = 0; a < d; a++) {
                double xa = rows[i * d + a] - mean[a];
                for (int b = a; b < d; b++) {
                    cov[a][b] += xa * (rows[i * d + b] - mean[b]);
                }
            }
        }
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < a; b++) {
                cov[a][b] = cov[b][a];
            }
        }
        double[][] comps = new double[k][];
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        for (int c = 0; c < k; c++) {
            double[] v = new double[d];
            for (int j = 0; j < d; j++) {
                v[j] = r.nextDouble() - 0.5;
            }
            for (int it = 0; it < 300; it++) {
                double[] w = new double[d];
                for (int a = 0; a < d; a++) {
                    for (int b = 0; b < d; b++) {
                        w[a] += cov[a][b] * v[b];
                    }
                }
                for (int p = 0; p < c; p++) { // deflate: stay orthogonal to earlier components
                    double dot = 0;
                    for (int j = 0; j < d; j++) {
                        dot += w[j] * comps[p][j];
                    }
                    for (int j = 0; j < d; j++) {
                        w[j] -= dot * comps[p][j];
                    }
                }
                double norm = 0;
                for (double x : w) {
                    norm += x * x;
                }
                norm = Math.sqrt(norm);
                if (norm == 0) {
                    break;
                }
                for (int j = 0; j < d; j++) {
                    v[j] = w[j] / norm;
                }
            }
            comps[c] = v;
        }
        double[][] out = new double[n][k];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < k; c++) {
                double s = 0;
                for (int j = 0; j < d; j++) {
                    s += (rows[i * d + j] - mean[j]) * comps[c][j];
                }
                out[i][c] = s;
            }
        }
        return out;
    }
}
