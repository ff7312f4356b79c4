package dev.dlp.pipelines.tabular;

import java.util.Arrays;
import java.util.Comparator;

/** Regression and binary-classification metrics on plain arrays. */
public final class Metrics {
    private static final double EPS = 1e-12;

    private Metrics() {
    }

    public static double rmse(double[] y, double[] p) {
        double s = 0;
        for (int i = 0; i < y.length; i++) {
            s += (y[i] - p[i]) * (y[i] - p[i]);
        }
        return Math.sqrt(s / y.length);
    }

    /** Coefficient of determination: 1 - SS_res / SS_tot. */
    public static double r2(double[] y, double[] p) {
        double mean = Arrays.stream(y).average().orElse(0);
        double res = 0;
        double tot = 0;
        for (int i = 0; i < y.length; i++) {
            res += (y[i] - p[i]) * (y[i] - p[i]);
            tot += (y[i] - mean) * (y[i] - mean);
        }
        return tot == 0 ? 0 : 1 - res / tot;
    }

    /** Share of predictions on the right side of 0.5. */
    public static double accuracy(double[] y, double[] p) {
        int ok = 0;
        for (int i = 0; i < y.length; i++) {
            if ((p[i] >= 0.5 ? 1 : 0) == (int) y[i]) {
                ok++;
            }
        }
        return (double) ok / y.length;
    }

    /** Mean binary cross-entropy. */
    public static double logLoss(double[] y, double[] p) {
        double s = 0;
        for (int i = 0; i < y.length; i++) {
            double q = Math.min(1 - EPS, Math.max(EPS, p[i]));
            s -= y[i] * Math.log(q) + (1 - y[i]) * Math.log(1 - q);
        }
        return s / y.length;
    }

    /** Area under the ROC curve (the probability a positive scores above a negative; ties count half). */
    public static double auc(double[] y, double[] p) {
        Integer[] idx = new Integer[y.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, Comparator.comparingDouble(i -> p[i]));
        double rankSumPos = 0;
        int pos = 0;
        int i = 0;
        while (i < idx.length) {
            int j = i;
            while (j + 1 < idx.length && p[idx[j + 1]] == p[idx[i]]) {
                j++;
            }
            double avgRank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                if (y[idx[k]] == 1) {
                    rankSumPos += avgRank;
                    pos++;
                }
            }
            i = j + 1;
        }
        int neg = y.length - pos;
        if (pos == 0 || neg == 0) {
            return Double.NaN;
        }
        return (rankSumPos - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }
}
