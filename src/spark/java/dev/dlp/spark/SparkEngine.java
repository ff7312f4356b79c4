package dev.dlp.spark;

import dev.dlp.config.TrainConfig;
import dev.dlp.scale.EpochTrainer;
import dev.dlp.scale.SparkServices;
import dev.dlp.sweep.Sweep;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * dlp on Spark: a sweep's points as Spark tasks, and data-parallel training with DL4J's
 * {@link ParameterAveragingTrainingMaster} (DL4J's Spark module 1.0.0-M2, the last release that has one).
 */
public final class SparkEngine implements SparkServices {
    private static final Logger LOG = LoggerFactory.getLogger(SparkEngine.class);

    /**
     * A Spark context on {@code master}: Kryo with ND4J's registrator (DL4J's Spark training needs it), no web UI,
     * and for a {@code local} master the driver on 127.0.0.1 (Spark otherwise binds the machine's public address).
     */
    static JavaSparkContext context(String master, String app) {
        SparkConf conf = new SparkConf().setMaster(master).setAppName(app)
                .set("spark.ui.enabled", "false")
                .set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .set("spark.kryo.registrator", "org.nd4j.kryo.Nd4jRegistrator");
        if (master.startsWith("local")) {
            conf.set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1");
        } else {
            // executors on other machines: dlp's class path (valid there: dlp is on a shared file system at the same
            // path, as the runs root is) and the JVM options Spark needs on Java 17, unless the user set them
            conf.setIfMissing("spark.executor.extraClassPath", System.getProperty("java.class.path"));
            conf.setIfMissing("spark.executor.extraJavaOptions", String.join(" ", java.lang.management.ManagementFactory
                    .getRuntimeMXBean().getInputArguments().stream().filter(a -> a.startsWith("--add-opens")).toList()));
        }
        return new JavaSparkContext(conf);
    }

    @Override
    public int runSweep(Path sweepDir, int points, String master, PrintWriter out) {
        List<String> java = Sweep.javaCommand();
        List<Integer> indices = IntStream.range(0, points).boxed().toList();
        List<String> lines;
        try (JavaSparkContext jsc = context(master, "dlp sweep " + sweepDir.getFileName())) {
            lines = jsc.parallelize(indices, points)
                    .map(new RunPoint(new ArrayList<>(java), sweepDir.toAbsolutePath().toString(),
                            System.getProperty("user.dir"))).collect();
        }
        lines.forEach(out::println);
        out.flush();
        return Sweep.table(sweepDir, out);
    }

    /**
     * One Spark task: {@code dlp sweep run --sweep DIR --index I} in a process of its own (the command that started
     * the driver: the same Java, JVM options and class path, which must be valid on the executor's machine), so the
     * point is claimed, run and recorded exactly as in a job array, and a retried task never runs it twice. It runs in
     * the driver's working directory (a shared file system, like the runs root), so relative paths in the sweep's
     * configs ({@code data.dir: data}) mean there what they meant where the sweep was planned; an executor without
     * that directory runs in its own.
     */
    static final class RunPoint implements Function<Integer, String> {
        private final ArrayList<String> java;
        private final String sweepDir;
        private final String workDir;

        RunPoint(ArrayList<String> java, String sweepDir, String workDir) {
            this.java = java;
            this.sweepDir = sweepDir;
            this.workDir = workDir;
        }

        @Override
        public String call(Integer index) throws IOException, InterruptedException {
            List<String> cmd = new ArrayList<>(java);
            cmd.addAll(List.of("sweep", "run", "--sweep", sweepDir, "--index", index.toString(), "-q"));
            File log = new File(sweepDir, "logs/spark-task-" + index + ".log");
            Files.createDirectories(log.toPath().getParent());
            ProcessBuilder pb = new ProcessBuilder(cmd);
            if (new File(workDir).isDirectory()) {
                pb.directory(new File(workDir));
            }
            Process p = pb.redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log)).start();
            int code = p.waitFor();
            String last = Files.readAllLines(log.toPath(), StandardCharsets.UTF_8).stream()
                    .filter(l -> l.startsWith("point ")).reduce((a, b) -> b).orElse("point " + index + ": exit " + code);
            return "spark task " + index + " (exit " + code + "): " + last;
        }
    }

    /** Minibatch {@code i} of the broadcast epoch. */
    static final class Lookup implements Function<Integer, MultiDataSet> {
        private final Broadcast<List<MultiDataSet>> data;

        Lookup(Broadcast<List<MultiDataSet>> data) {
            this.data = data;
        }

        @Override
        public MultiDataSet call(Integer i) {
            return data.value().get(i);
        }
    }

    @Override
    public EpochTrainer trainer(ComputationGraph graph, TrainConfig.DistributedConfig config, int batchSize) {
        return new ParameterAveraging(graph, config, batchSize);
    }

    /** DL4J's parameter averaging on Spark over dlp's epoch loop; the driver's graph is the one trained. */
    static final class ParameterAveraging implements EpochTrainer {
        private final ComputationGraph graph;
        private final TrainConfig.DistributedConfig config;
        private final int batchSize;
        private final JavaSparkContext jsc;
        private final SparkComputationGraph spark;
        private final int partitions;

        ParameterAveraging(ComputationGraph graph, TrainConfig.DistributedConfig config, int batchSize) {
            this.graph = graph;
            this.config = config;
            this.batchSize = batchSize;
            this.jsc = context(config.master(), "dlp train");
            this.partitions = config.workers() > 0 ? config.workers() : jsc.defaultParallelism();
            ParameterAveragingTrainingMaster tm = new ParameterAveragingTrainingMaster.Builder(batchSize)
                    .batchSizePerWorker(batchSize)
                    .averagingFrequency(config.averagingFrequency())
                    .workerPrefetchNumBatches(0)
                    .repartionData(Repartition.Never)   // the index RDD is already spread over the workers
                    .rddTrainingApproach(RDDTrainingApproach.Direct)   // the minibatches as they are: no export
                    .saveUpdater(true)                                 // Adam's state travels and is averaged too
                    .build();
            this.spark = new SparkComputationGraph(jsc, graph, tm);
            LOG.info("distributed: parameter averaging on {} ({} workers, averaging every {} minibatches of {})",
                    config.master(), partitions, config.averagingFrequency(), batchSize);
        }

        /**
         * One epoch. The minibatches reach the executors once, as a broadcast, and the RDD holds only their indices:
         * DL4J splits an epoch into one Spark job per averaging round, and an RDD made by {@code parallelize} of the
         * data itself would ship the whole epoch inside the tasks of every round (10 MB per task for 6,400 MNIST
         * examples, measured: 442 samples/s).
         */
        @Override
        public double fitEpoch(List<MultiDataSet> batches) {
            Broadcast<List<MultiDataSet>> data = jsc.broadcast(batches);
            ComputationGraph trained;
            try {
                trained = spark.fitMultiDataSet(jsc.parallelize(IntStream.range(0, batches.size()).boxed().toList(),
                        partitions).map(new Lookup(data)));
            } finally {
                data.destroy();
            }
            if (trained != graph) {
                graph.setParams(trained.params());
                if (trained.getUpdater() != null && trained.getUpdater().getStateViewArray() != null) {
                    graph.getUpdater().getStateViewArray().assign(trained.getUpdater().getStateViewArray());
                }
            }
            return spark.getScore();
        }

        @Override
        public Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("engine", "spark");
            m.put("training_master", "ParameterAveragingTrainingMaster");
            m.put("master", config.master());
            m.put("workers", partitions);
            m.put("averaging_frequency", config.averagingFrequency());
            m.put("batch_per_worker", batchSize);
            m.put("spark_version", jsc.version());
            return m;
        }

        @Override
        public void close() {
            jsc.close();
        }
    }
}
