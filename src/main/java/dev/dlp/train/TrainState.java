package dev.dlp.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a training run stands: the loop position and early-stopping state that a checkpoint records
 * ({@link Checkpoints.State}), the current epoch's running loss, and this process's throughput.
 */
final class TrainState {
    int epoch;
    /** The first batch to train in the current epoch (after a mid-epoch resume), else 0. */
    int firstBatch;
    int iteration;
    double best = Double.NaN;
    int bestEpoch = -1;
    int epochsWithoutImprovement;
    boolean earlyStopped;
    Map<String, Object> lastRow = new LinkedHashMap<>();

    private double lossSum;
    private long lossCount;
    /** Seconds of the current epoch trained before this process (mid-epoch resume). */
    private double epochTrainedBefore;
    private double wallBefore;
    private final long processStart = System.nanoTime();
    private long lastCheckpoint = System.nanoTime();
    private long epochStart;
    private long epochSamples;
    private double lastEpochLoss = Double.NaN;
    private double lastEpochSamplesPerSec;
    private int epochsThisProcess;
    private double firstSamples;
    private double firstSeconds;
    private double steadySamples;
    private double steadySeconds;

    private TrainState() {
    }

    /** A fresh run, or one resumed from checkpoint state {@code c}. */
    static TrainState start(Checkpoints.State c) {
        TrainState s = new TrainState();
        if (c != null) {
            s.epoch = c.epoch();
            s.firstBatch = c.batch();
            s.iteration = c.iteration();
            s.best = c.bestMetric();
            s.bestEpoch = c.bestEpoch();
            s.epochsWithoutImprovement = c.epochsWithoutImprovement();
            s.lossSum = c.epochLossSum();
            s.lossCount = c.epochLossCount();
            s.epochTrainedBefore = c.epochTrainSeconds();
            s.wallBefore = c.wallSeconds();
        }
        return s;
    }

    void startEpoch() {
        epochStart = System.nanoTime();
        epochSamples = 0;
    }

    void addBatch(double loss, int size) {
        lossSum += loss * size;
        lossCount += size;
        epochSamples += size;
    }

    /** Mean training loss of the current epoch so far (all of it after {@link #endEpoch}). */
    double epochLoss() {
        return lossCount > 0 ? lossSum / lossCount : lastEpochLoss;
    }

    /** Samples/s of the current epoch in this process. */
    double epochSamplesPerSec() {
        return epochSamples / Math.max(seconds(epochStart), 1e-9);
    }

    double lastEpochSamplesPerSec() {
        return lastEpochSamplesPerSec;
    }

    /** Closes the epoch's accumulators: its loss and speed stay readable until the next epoch starts. */
    void endEpoch() {
        double trained = seconds(epochStart);
        lastEpochLoss = lossSum / Math.max(1, lossCount);
        lastEpochSamplesPerSec = epochSamples / Math.max(trained, 1e-9);
        if (epochsThisProcess++ == 0) {
            firstSamples = epochSamples;
            firstSeconds = trained;
        } else {
            steadySamples += epochSamples;
            steadySeconds += trained;
        }
        lossSum = 0;
        lossCount = 0;
        epochTrainedBefore = 0;
        firstBatch = 0;
    }

    boolean improves(double metric, boolean minimise) {
        return Double.isNaN(best) || (minimise ? metric < best : metric > best);
    }

    double wallSeconds() {
        return wallBefore + seconds(processStart);
    }

    double secondsSinceCheckpoint() {
        return seconds(lastCheckpoint);
    }

    void checkpointed() {
        lastCheckpoint = System.nanoTime();
    }

    /** What a checkpoint taken before batch {@code batch} of the current epoch records. */
    Checkpoints.State checkpointState(int batch, long seed, String architecture) {
        boolean boundary = batch == 0;
        return new Checkpoints.State(epoch, batch, iteration, seed, architecture, best, bestEpoch,
                epochsWithoutImprovement, boundary ? 0 : lossSum, boundary ? 0 : lossCount,
                boundary ? 0 : epochTrainedBefore + seconds(epochStart), wallSeconds());
    }

    /**
     * Steady-state samples/s: epochs after the first of this process, or the first when it is the only one.
     */
    double samplesPerSec() {
        double r = steadySeconds > 0 ? steadySamples / steadySeconds : firstSeconds > 0 ? firstSamples / firstSeconds
                : 0;
        return Math.round(r * 10) / 10.0;
    }

    Trainer.Result result(String status, int exitCode, String message) {
        return new Trainer.Result(status, exitCode, epoch, iteration, lastRow, best, bestEpoch, earlyStopped,
                samplesPerSec(), wallSeconds(), message);
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
