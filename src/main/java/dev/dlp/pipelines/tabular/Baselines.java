package dev.dlp.pipelines.tabular;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.inverse.InvertMatrix;

/** Reference solutions the trained networks are checked against. Coefficients are {bias, w_1..w_d}. */
public final class Baselines {
    private Baselines() {
    }

    private static INDArray withBias(double[][] x) {
        int n = x.length;
        int d = x[0].length;
        double[][] xb = new double[n][d + 1];
        for (int i = 0; i < n; i++) {
            xb[i][0] = 1;
            System.arraycopy(x[i], 0, xb[i], 1, d);
        }
        return Nd4j.create(xb).castTo(DataType.DOUBLE);
    }

    /** Least squares by the normal equations, (XᵀX)⁺Xᵀy, in double precision on ND4J. */
    public static double[] leastSquares(double[][] x, double[] y) {
        INDArray xb = withBias(x);
        INDArray yv = Nd4j.create(y, new long[]{y.length, 1}, DataType.DOUBLE);
        INDArray xtx = xb.transpose().mmul(xb);
        INDArray w = InvertMatrix.pinvert(xtx, false).mmul(xb.transpose().mmul(yv)); // pinv: collinear columns too
        return w.data().asDouble();
    }

    /**
     * Logistic regression by Newton's method (iteratively reweighted least squares) with a small ridge term
     * (1e-4) so separable data stays finite; converges in a few dozen iterations on small tables.
     */
    public static double[] logistic(double[][] x, double[] y) {
        INDArray xb = withBias(x);
        long d = xb.columns();
        INDArray yv = Nd4j.create(y, new long[]{y.length, 1}, DataType.DOUBLE);
        INDArray w = Nd4j.zeros(DataType.DOUBLE, d, 1);
        // the ridge keeps the Hessian invertible (and the weights finite) on separable data; on ordinary data its
        // pull on the coefficients is negligible
        double lambda = 1e-4;
        INDArray ridge = Nd4j.eye(d).castTo(DataType.DOUBLE).muli(lambda);
        for (int it = 0; it < 100; it++) {
            INDArray p = org.nd4j.linalg.ops.transforms.Transforms.sigmoid(xb.mmul(w), true);
            INDArray grad = xb.transpose().mmul(p.sub(yv)).addi(w.mul(lambda));
            INDArray s = p.mul(p.rsub(1.0));
            INDArray h = xb.transpose().mmul(xb.mulColumnVector(s)).addi(ridge);
            INDArray step = InvertMatrix.pinvert(h, false).mmul(grad);
            if (!Double.isFinite(step.norm2Number().doubleValue())) {
                break;
            }
            w.subi(step);
            if (step.norm2Number().doubleValue() < 1e-10) {
                break;
            }
        }
        return w.data().asDouble();
    }

    /** x·w + bias for coefficients {bias, w...}. */
    public static double[] linear(double[][] x, double[] coef) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double s = coef[0];
            for (int j = 0; j < x[i].length; j++) {
                s += coef[j + 1] * x[i][j];
            }
            out[i] = s;
        }
        return out;
    }

    public static double[] sigmoid(double[] z) {
        double[] out = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            out[i] = 1 / (1 + Math.exp(-z[i]));
        }
        return out;
    }
}
