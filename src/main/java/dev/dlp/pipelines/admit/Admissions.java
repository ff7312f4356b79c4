package dev.dlp.pipelines.admit;

import dev.dlp.data.Gaussian;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A synthetic student-admissions table drawn from the published logistic model of the UCLA graduate admissions
 * study: logit(p) = -3.99 + 0.00226 gre + 0.804 gpa - 0.675 [rank 2] - 1.340 [rank 3] - 1.551 [rank 4];
 * gre ~ Normal(588, 116) rounded to a multiple of 20 within 200-800; gpa ~ Normal(3.39, 0.38) capped to
 * [2.0, 4.0] with two decimals; rank 1-4 with shares 15 / 38 / 30 / 17 %; admit ~ Bernoulli(p).
 */
public final class Admissions {
    static final double[] RANK_SHARES = {0.15, 0.38, 0.30, 0.17};

    private Admissions() {
    }

    /** The generating model's admission probability. */
    public static double probability(double gre, double gpa, int rank) {
        double z = -3.99 + 0.00226 * gre + 0.804 * gpa;
        z += switch (rank) {
            case 2 -> -0.675;
            case 3 -> -1.340;
            case 4 -> -1.551;
            default -> 0.0;
        };
        return 1 / (1 + Math.exp(-z));
    }

    /** {@code rows} rows as CSV text with the header {@code admit,gre,gpa,rank}; a pure function of the seed. */
    public static String csv(int rows, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        StringBuilder sb = new StringBuilder("admit,gre,gpa,rank\n");
        for (int i = 0; i < rows; i++) {
            double gre = Math.max(200, Math.min(800, Math.round((588 + 116 * Gaussian.next(r)) / 20) * 20.0));
            double gpa = Math.round(Math.max(2.0, Math.min(4.0, 3.39 + 0.38 * Gaussian.next(r))) * 100) / 100.0;
            double u = r.nextDouble();
            int rank = 1;
            double acc = RANK_SHARES[0];
            while (u >= acc && rank < 4) {
                acc += RANK_SHARES[rank];
                rank++;
            }
            int admit = r.nextDouble() < probability(gre, gpa, rank) ? 1 : 0;
            sb.append(String.format(Locale.ROOT, "%d,%.0f,%.2f,%d%n", admit, gre, gpa, rank));
        }
        return sb.toString();
    }

}
