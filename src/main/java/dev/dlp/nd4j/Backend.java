package dev.dlp.nd4j;

import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** Sets up ND4J once per process, before the first array is created. */
public final class Backend {
    private static final Logger LOG = LoggerFactory.getLogger(Backend.class);
    private static final String HELPERS_DISABLE = "org.eclipse.deeplearning4j.helpers.disable";
    /** ND4J's key for its shape-information provider class (read once, when ND4J starts). */
    private static final String SHAPE_INFO_PROVIDER = "shapeinfoprovider";
    /** {@code -Ddlp.shapeInfoCache=false}: keep ND4J's own provider instead of {@link CachingShapeInfoProvider}. */
    public static final String SHAPE_INFO_CACHE = "dlp.shapeInfoCache";
    private static boolean initialised;
    private static boolean oneDnn;

    private Backend() {
    }

    /**
     * Native memory limit (unless given with {@code -D}) and the shape-information cache, then the backend, then
     * threads ({@code threads <= 0}: keep the default, one per core or {@code OMP_NUM_THREADS}). The first two only
     * take effect when ND4J has not started yet.
     */
    public static synchronized void init(int threads) {
        if (!initialised) {
            long physical = physicalMemory();
            if (physical > 0) {
                setDefault("org.bytedeco.javacpp.maxbytes", physical / 2);
                // 0 = no resident-size check: JavaCPP would read the process's RSS on every allocation, which
                // cost a third of a small model's training step (the maxbytes count above is cheap and stays)
                setDefault("org.bytedeco.javacpp.maxphysicalbytes", 0);
            }
            preferShapeInfoCache();
            long t = System.nanoTime();
            Nd4j.create(1);
            LOG.debug("ND4J {} loaded in {} ms", Nd4j.getBackend().getClass().getSimpleName(),
                    (System.nanoTime() - t) / 1_000_000);
            oneDnn = hasOneDnn();
            // DL4J's oneDNN layer helpers (conv, pooling, batch norm) run libnd4j's oneDNN kernels instead of
            // im2col + gemm: 4-5x faster. They are off by default in M2.1 and only make sense on a oneDNN build.
            if (oneDnn && System.getProperty(HELPERS_DISABLE) == null) {
                System.setProperty(HELPERS_DISABLE, "false");
            }
            initialised = true;
        }
        if (threads > 0) {
            // libnd4j's own loops, OpenMP regions started from this (the training) thread, oneDNN and OpenBLAS
            Nd4j.getEnvironment().setMaxThreads(threads);
            Nd4j.getEnvironment().setMaxMasterThreads(threads);
            org.nd4j.nativeblas.NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
            Nd4j.factory().blas().setMaxThreads(threads);
        }
    }

    /** OpenMP threads of parallel regions started from the calling thread. */
    public static int ompThreads() {
        return org.nd4j.nativeblas.NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads();
    }

    /**
     * OpenMP threads of parallel regions started from the calling thread (libnd4j's loops, oneDNN): OpenMP keeps
     * this per thread, so a thread other than the one {@link #init} ran on starts with one per core.
     */
    public static void setOmpThreads(int threads) {
        if (threads > 0) {
            org.nd4j.nativeblas.NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
        }
    }

    /** True when the loaded libnd4j was built with oneDNN (the {@code -onednn*} nd4j-native classifiers). */
    private static boolean hasOneDnn() {
        try {
            return String.valueOf(Nd4j.getBackend().buildInfo()).contains("HAVE_ONEDNN");
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /**
     * True when ND4J runs on the CPU backend, where arrays live in host memory: the Java and OpenBLAS fast paths of
     * dlp's layers, Adam and step ({@link Blas}, {@link FastAdamUpdater}, {@code dev.dlp.graph}) read and write
     * that memory directly. On another backend (CUDA) they stand aside and DL4J's own passes run.
     */
    public static boolean hostArrays() {
        return HostArrays.CPU;
    }

    private static final class HostArrays {
        static final boolean CPU = Nd4j.getBackend().getClass().getSimpleName().startsWith("Cpu");
    }

    /** True when layer helpers are enabled for layers created from now on. */
    public static boolean helpersEnabled() {
        return "false".equals(System.getProperty(HELPERS_DISABLE));
    }

    /**
     * Names of the layers of {@code graph} that run on a oneDNN helper, for the summary; a conv or pooling layer
     * without one is logged, since it means the slow built-in path.
     */
    public static java.util.List<String> helperLayers(org.deeplearning4j.nn.graph.ComputationGraph graph) {
        java.util.List<String> with = new java.util.ArrayList<>();
        for (org.deeplearning4j.nn.api.Layer l : graph.getLayers()) {
            Object helper = null;
            if (l instanceof dev.dlp.fast.FastMaxPoolLayer) {
                continue;   // its pooling is ours (DL4J's pass and helper only where it declines)
            } else if (l instanceof org.deeplearning4j.nn.layers.convolution.ConvolutionLayer c) {
                helper = c.getHelper();
            } else if (l instanceof org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer s) {
                helper = s.getHelper();
            } else if (l instanceof org.deeplearning4j.nn.layers.normalization.BatchNormalization b) {
                helper = b.getHelper();
            } else {
                continue;
            }
            String name = l.conf().getLayer().getLayerName();
            if (helper != null) {
                with.add(name);
            } else if (oneDnn) {
                LOG.warn("layer {} runs without its oneDNN helper (slow path)", name);
            }
        }
        return with;
    }

    private static void setDefault(String key, long bytes) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, Long.toString(bytes));
        }
    }

    private static long physicalMemory() {
        try {
            return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getTotalMemorySize();
        } catch (ClassCastException | UnsupportedOperationException e) {
            return -1;
        }
    }

    /**
     * Asks ND4J to start with {@link CachingShapeInfoProvider} unless {@code -Ddlp.shapeInfoCache=false} or another
     * provider is named; only effective before ND4J's first use (the CLI calls it first thing).
     */
    public static void preferShapeInfoCache() {
        if (!"false".equals(System.getProperty(SHAPE_INFO_CACHE)) && System.getProperty(SHAPE_INFO_PROVIDER) == null) {
            System.setProperty(SHAPE_INFO_PROVIDER, CachingShapeInfoProvider.class.getName());
        }
    }

    /** True when ND4J runs with {@link CachingShapeInfoProvider}. */
    public static boolean shapeInfoCache() {
        return Nd4j.getShapeInfoProvider() instanceof CachingShapeInfoProvider;
    }

    /** Backend facts for {@code summary.json}. */
    public static Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
        m.put("name", Nd4j.getBackend().getClass().getSimpleName());
        m.put("blas", String.valueOf(env.getOrDefault("blas.vendor", "unknown")));
        m.put("threads", org.nd4j.nativeblas.NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads());
        m.put("omp_threads", env.getOrDefault("omp.threads", null));
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("onednn", oneDnn);
        m.put("layer_helpers", helpersEnabled());
        m.put("shape_info_cache", shapeInfoCache());
        return m;
    }
}
