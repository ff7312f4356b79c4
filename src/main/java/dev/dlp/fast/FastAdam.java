package dev.dlp.fast;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.schedule.ISchedule;

import java.util.Map;

/**
 * DL4J's {@link Adam} configuration, instantiating {@link FastAdamUpdater}: the same update rule, the same state
 * layout (so checkpoints and model zips keep their updater state), computed in Java instead of by libnd4j's
 * {@code adam_updater} op, which runs at ~7.5 ns per parameter on this build (measured: 78,500 parameters in
 * 600 µs; the Java loop takes ~1 ns).
 */
public class FastAdam extends Adam implements FastConfig {

    /** For JSON deserialisation (model zips, checkpoints): Jackson sets the fields. */
    public FastAdam() {
        super();
    }

    public FastAdam(double learningRate, ISchedule schedule, double beta1, double beta2, double epsilon) {
        super(learningRate, beta1, beta2, epsilon);
        setLearningRateSchedule(schedule);
        if (schedule != null) {
            setLearningRate(Double.NaN);
        }
    }

    @Override
    public GradientUpdater instantiate(INDArray viewArray, boolean initializeViewArray) {
        FastAdamUpdater u = new FastAdamUpdater(this);
        INDArray flat = viewArray.reshape(viewArray.length());
        u.setStateViewArray(flat, new long[]{flat.length() / 2}, flat.ordering(), initializeViewArray);
        return u;
    }

    @Override
    public GradientUpdater instantiate(Map<String, INDArray> updaterState, boolean initializeStateArrays) {
        FastAdamUpdater u = new FastAdamUpdater(this);
        u.setState(updaterState, initializeStateArrays);
        return u;
    }

    @Override
    public FastAdam clone() {
        return new FastAdam(getLearningRate(), getLearningRateSchedule() == null ? null
                : getLearningRateSchedule().clone(), getBeta1(), getBeta2(), getEpsilon());
    }
}
