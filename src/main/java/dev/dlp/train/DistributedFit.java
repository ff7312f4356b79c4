package dev.dlp.train;

import dev.dlp.config.TrainConfig;
import dev.dlp.scale.EpochTrainer;
import dev.dlp.scale.ParallelWrapperTrainer;
import dev.dlp.scale.SparkServices;
import dev.dlp.run.Summary;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code train.distributed}: the epoch loop of {@link Trainer} with each epoch trained by DL4J's parameter averaging,
 * on a Spark cluster ({@link SparkServices}) or over this machine's devices ({@link ParallelWrapperTrainer}), and
 * everything around it the same: the epoch's
 * minibatches in the seeded shuffled order, validation, metrics, best model and early stopping, epoch checkpoints
 * (a stop request is honoured between epochs), resume, model.zip. Mid-epoch checkpoints do not apply (an epoch is
 * one cluster job or one wrapper's pass).
 */
final class DistributedFit {
    private DistributedFit() {
    }

    static Trainer.Result fit(Trainer.Job job) {
        TrainConfig tc = job.train();
        int batch = tc.distributed().batchPerWorker() > 0 ? tc.distributed().batchPerWorker() : tc.batchSize();
        MetricsLog metrics = new MetricsLog(job.run().path());
        TrainState s = Trainer.startState(job, metrics);
        Checkpoints ckpts = new Checkpoints(job.run().checkpointsDir(), job.checkpoint().keepLast());
        ComputationGraph g = job.graph();
        try (EpochTrainer trainer = tc.distributed().spark()
                ? SparkServices.require("train.distributed.engine").trainer(g, tc.distributed(), batch)
                : new ParallelWrapperTrainer(g, tc.distributed(), batch)) {
            job.summary().put("distributed", trainer.describe()).save();
            for (; s.epoch < tc.epochs(); s.epoch++) {
                if (job.stop().requested()) {
                    java.nio.file.Path file = ckpts.save(g, s.checkpointState(0, job.seed(), job.architecture()));
                    return s.result(Summary.INTERRUPTED, job.stop().exitCode(), String.format(Locale.ROOT,
                            "interrupted before epoch %d; checkpoint %s; continue with --resume %s", s.epoch + 1,
                            file.getFileName(), job.run()));
                }
                g.getConfiguration().setEpochCount(s.epoch);
                List<MultiDataSet> batches = epochBatches(job.data(), batch, job.seed(), s.epoch);
                s.startEpoch();
                double loss = trainer.fitEpoch(batches);
                s.iteration += batches.size();
                if (!Double.isFinite(loss)) {
                    return s.result(Summary.DIVERGED, 1, String.format(Locale.ROOT, "training diverged: loss is %s "
                            + "in epoch %d; try a lower train.updater.lr", loss, s.epoch + 1));
                }
                s.addBatch(loss, job.data().size());
                s.endEpoch();
                Map<String, Object> row = Trainer.validate(job, s);
                metrics.append(row);
                if (Trainer.afterEpoch(job, s, row, ckpts)) {
                    s.epoch++;
                    break;
                }
            }
        }
        Trainer.saveFinalModel(job);
        return s.result(Summary.COMPLETED, 0, null);
    }

    /**
     * The epoch's minibatches in the run's shuffled order ({@link Shuffles#EPOCH_ORDER}, as one process would see
     * them), as arrays of their own: a batch source may reuse its arrays, and these travel to the workers.
     */
    static List<MultiDataSet> epochBatches(BatchSource data, int batch, long seed, int epoch) {
        int n = data.size();
        int[] order = Shuffles.EPOCH_ORDER.permutation(n, seed, epoch);
        List<MultiDataSet> out = new ArrayList<>();
        for (int from = 0; from < n; from += batch) {
            MultiDataSet m = data.batch(order, from, Math.min(n, from + batch));
            out.add(new org.nd4j.linalg.dataset.MultiDataSet(dup(m.getFeatures()), dup(m.getLabels()),
                    dup(m.getFeaturesMaskArrays()), dup(m.getLabelsMaskArrays())));
        }
        return out;
    }

    private static INDArray[] dup(INDArray[] a) {
        if (a == null) {
            return null;
        }
        INDArray[] out = new INDArray[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] == null ? null : a[i].dup();
        }
        return out;
    }
}
