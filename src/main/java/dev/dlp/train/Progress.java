package dev.dlp.train;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/**
 * Progress within an epoch: a progress bar on a terminal, or a plain log line every ten seconds when output goes to a
 * file or pipe (batch jobs), or nothing when quiet.
 */
public abstract class Progress implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Progress.class);

    public abstract void startEpoch(int epoch, int epochs, int batches, int firstBatch);

    public abstract void step(int batchesDone, double loss, double samplesPerSec);

    public abstract void endEpoch();

    @Override
    public void close() {
        endEpoch();
    }

    /** The right kind for this process: bar on a console, log lines otherwise, none when quiet. */
    public static Progress forConsole(boolean quiet) {
        if (quiet) {
            return new None();
        }
        return System.console() != null && System.getenv("DLP_NO_PROGRESS_BAR") == null ? new Bar() : new Lines();
    }

    static String stats(double loss, double sps) {
        return String.format(Locale.ROOT, "loss %.4f, %.0f samples/s", loss, sps);
    }

    /** No progress output. */
    public static final class None extends Progress {
        @Override
        public void startEpoch(int epoch, int epochs, int batches, int firstBatch) {
        }

        @Override
        public void step(int batchesDone, double loss, double samplesPerSec) {
        }

        @Override
        public void endEpoch() {
        }
    }

    static final class Bar extends Progress {
        private ProgressBar bar;

        @Override
        public void startEpoch(int epoch, int epochs, int batches, int firstBatch) {
            endEpoch();
            bar = new ProgressBarBuilder()
                    .setTaskName(String.format(Locale.ROOT, "epoch %d/%d", epoch + 1, epochs))
                    .setInitialMax(batches)
                    .setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(250)
                    .setConsumer(new ConsoleProgressBarConsumer(System.err))
                    .clearDisplayOnFinish()
                    .build();
            bar.stepTo(firstBatch);
        }

        @Override
        public void step(int batchesDone, double loss, double samplesPerSec) {
            if (bar != null) {
                bar.stepTo(batchesDone);
                bar.setExtraMessage(stats(loss, samplesPerSec));
            }
        }

        @Override
        public void endEpoch() {
            if (bar != null) {
                bar.close();
                bar = null;
            }
        }
    }

    /** Plain log lines for batch jobs: at most one every ten seconds within an epoch. */
    static final class Lines extends Progress {
        private static final long EVERY_NANOS = 10_000_000_000L;
        private int batches;
        private int epoch;
        private int epochs;
        private long last;

        @Override
        public void startEpoch(int epoch, int epochs, int batches, int firstBatch) {
            this.batches = batches;
            this.epoch = epoch;
            this.epochs = epochs;
            this.last = System.nanoTime();
        }

        @Override
        public void step(int batchesDone, double loss, double samplesPerSec) {
            long now = System.nanoTime();
            if (now - last >= EVERY_NANOS && batchesDone < batches) {
                LOG.info("epoch {}/{} batch {}/{}: {}", epoch + 1, epochs, batchesDone, batches,
                        stats(loss, samplesPerSec));
                last = now;
            }
        }

        @Override
        public void endEpoch() {
        }
    }
}
