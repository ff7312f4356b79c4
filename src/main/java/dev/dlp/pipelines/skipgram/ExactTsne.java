package dev.dlp.pipelines.skipgram;

import java.util.SplittableRandom;

/**
 * Exact t-SNE (van der Maaten and Hinton, 2008) for a few hundred points: per-point Gaussian bandwidths found by
 * bisection to match the perplexity, symmetrised affinities, a Student-t kernel in 2-D, early exaggeration (12 for
 * the first quarter of the iterations), momentum 0.5 then 0.8 and per-coordinate gains. O(n^2) per iteration.
 */
final class ExactTsne {
    private ExactTsne() {
    }

    /** 2-D coordinates of the rows of {@code x} (n x dims), by squared Euclidean distance. */
    static double[][] embed(double[][] x, double perplexity, int iterations, double lr, long seed) {
        int n = x.length;
        double[][] p = affinities(squaredDistances(x), perplexity);
        SplittableRandom r = new SplittableRandom(seed);
        double[][] y = new double[n][2];
        double[][] step = new double[n][2];
        double[][] gains = new double[n][2];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 2; c++) {
                y[i][c] = 1e-4 * dev.dlp.data.Gaussian.next(r);
                gains[i][c] = 1;
            }
        }
        double[][] q = new double[n][n];
        int exaggerated = Math.max(1, iterations / 4);
        for (int it = 0; it < iterations; it++) {
            double exaggeration = it < exaggerated ? 12 : 1;
            double momentum = it < exaggerated ? 0.5 : 0.8;
            double sum = studentT(y, q);
            for (int i = 0; i < n; i++) {
                double gx = 0;
                double gy = 0;
                for (int j = 0; j < n; j++) {
                    if (i != j) {
                        double f = (exaggeration * p[i][j] - q[i][j] / sum) * q[i][j];
                        gx += 4 * f * (y[i][0] - y[j][0]);
                        gy += 4 * f * (y[i][1] - y[j][1]);
                    }
                }
                double[] g = {gx, gy};
                for (int c = 0; c < 2; c++) {
                    gains[i][c] = Math.signum(g[c]) != Math.signum(step[i][c]) ? gains[i][c] + 0.2
                            : Math.max(0.01, gains[i][c] * 0.8);
                    step[i][c] = momentum * step[i][c] - lr * gains[i][c] * g[c];
                }
            }
            moveAndCentre(y, step);
        }
        return y;
    }

    /** Pairwise squared Euclidean distances of the rows of {@code x}. */
    private static double[][] squaredDistances(double[][] x) {
        int n = x.length;
        double[][] d = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double s = 0;
                for (int k = 0; k < x[i].length; k++) {
                    double t = x[i][k] - x[j][k];
                    s += t * t;
                }
                d[i][j] = s;
                d[j][i] = s;
            }
        }
        return d;
    }

    /** The Student-t kernel {@code 1 / (1 + |yi - yj|²)} of every pair into {@code q}; returns its sum. */
    private static double studentT(double[][] y, double[][] q) {
        int n = y.length;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double dx = y[i][0] - y[j][0];
                double dy = y[i][1] - y[j][1];
                double v = 1 / (1 + dx * dx + dy * dy);
                q[i][j] = v;
                q[j][i] = v;
                sum += 2 * v;
            }
        }
        return sum;
    }

    /** Applies the steps, then moves the embedding's mean back to the origin. */
    private static void moveAndCentre(double[][] y, double[][] step) {
        int n = y.length;
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            y[i][0] += step[i][0];
            y[i][1] += step[i][1];
            mx += y[i][0] / n;
            my += y[i][1] / n;
        }
        for (double[] row : y) {
            row[0] -= mx;
            row[1] -= my;
        }
    }

    /** Symmetrised joint probabilities: each row's conditional distribution has the given perplexity. */
    static double[][] affinities(double[][] d, double perplexity) {
        int n = d.length;
        double target = Math.log(perplexity);
        double[][] p = new double[n][n];
        for (int i = 0; i < n; i++) {
            double lo = 0;
            double hi = Double.POSITIVE_INFINITY;
            double beta = 1;
            for (int tries = 0; tries < 100; tries++) {
                double sum = 0;
                double sumDP = 0;
                for (int j = 0; j < n; j++) {
                    if (j != i) {
                        double v = Math.exp(-d[i][j] * beta);
                        p[i][j] = v;
                        sum += v;
                        sumDP += d[i][j] * v;
                    }
                }
                sum = Math.max(sum, 1e-300);
                double entropy = Math.log(sum) + beta * sumDP / sum;
                for (int j = 0; j < n; j++) {
                    p[i][j] /= sum;
                }
                double diff = entropy - target;
                if (Math.abs(diff) < 1e-5) {
                    break;
                }
                if (diff > 0) {
                    lo = beta;
                    beta = Double.isInfinite(hi) ? beta * 2 : (beta + hi) / 2;
                } else {
                    hi = beta;
                    beta = (beta + lo) / 2;
                }
            }
            p[i][i] = 0;
        }
        double[][] s = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                s[i][j] = Math.max((p[i][j] + p[j][i]) / (2 * n), 1e-12);
            }
        }
        return s;
    }

}
