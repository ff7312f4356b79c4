package dev.dlp.fast;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * How often a layer of ours took its fast backward pass and how often it declined to DL4J's pass, and why. A
 * reason is logged as a warning once per layer; the counts and reasons go into summary.json's {@code engine}
 * section ({@link EngineReport}).
 */
public final class PathUse {
    private static final Logger LOG = LoggerFactory.getLogger(PathUse.class);

    private long fast;
    private long declined;
    private boolean lastFast;
    private final Set<String> reasons = new LinkedHashSet<>();

    /** A training pass that took the fast path. */
    public void fast() {
        fast++;
        lastFast = true;
    }

    /** A training pass of layer {@code layer} that ran DL4J's pass instead, for {@code reason}. */
    public void declined(String layer, String reason) {
        declined++;
        lastFast = false;
        if (reasons.size() < 8 && reasons.add(reason)) {
            LOG.warn("layer '{}': fast path declined ({}); DL4J's pass runs", layer, reason);
        }
    }

    /**
     * Whether a pass of layer {@code layer} must run DL4J's code because of {@code reason} (null: it need not);
     * a training pass that must is counted and logged as {@link #declined}.
     */
    public boolean declines(String layer, String reason, boolean training) {
        if (reason != null && training) {
            declined(layer, reason);
        }
        return reason != null;
    }

    /** Whether the latest training pass took the fast path. */
    public boolean lastFast() {
        return lastFast;
    }

    public long fastPasses() {
        return fast;
    }

    public long declinedPasses() {
        return declined;
    }

    /** The distinct reasons given for declining, in order. */
    public java.util.List<String> reasons() {
        return java.util.List.copyOf(reasons);
    }

    /**
     * Why a layer of ours cannot take its fast pass, for the conditions every fast layer shares (host memory,
     * dropout, weight noise, float data, masks where it takes none); {@code specific} when none of them holds.
     */
    static String explain(org.deeplearning4j.nn.conf.layers.BaseLayer c, org.nd4j.linalg.api.buffer.DataType dataType,
                          org.nd4j.linalg.api.ndarray.INDArray input, boolean masked, String specific) {
        if (!dev.dlp.nd4j.Backend.hostArrays()) {
            return "arrays are not in host memory on this backend";
        }
        if (c.getIDropout() != null) {
            return "dropout on the layer";
        }
        if (c.getWeightNoise() != null) {
            return "weight noise";
        }
        if (dataType != org.nd4j.linalg.api.buffer.DataType.FLOAT
                || input != null && input.dataType() != org.nd4j.linalg.api.buffer.DataType.FLOAT) {
            return "data type " + (input == null ? dataType : input.dataType()) + " (float only)";
        }
        if (masked) {
            return "a mask array";
        }
        return specific;
    }

    /**
     * Why a layer of ours whose pass runs on the Vector API over a rank-4 float input in host memory cannot take it
     * for {@code input} ({@code dataType}: the network's), or null.
     */
    static String explainGrid(org.nd4j.linalg.api.ndarray.INDArray input,
                              org.nd4j.linalg.api.buffer.DataType dataType) {
        if (!dev.dlp.nd4j.Backend.hostArrays()) {
            return "arrays are not in host memory on this backend";
        }
        if (input.rank() != 4 || input.dataType() != org.nd4j.linalg.api.buffer.DataType.FLOAT
                || dataType != org.nd4j.linalg.api.buffer.DataType.FLOAT) {
            return "a rank-" + input.rank() + " " + input.dataType() + " input (fast: rank 4, float)";
        }
        return null;
    }

    /** Implemented by every layer of ours. */
    public interface Traced {
        PathUse pathUse();
    }
}
