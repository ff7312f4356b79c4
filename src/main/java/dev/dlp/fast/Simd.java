package dev.dlp.fast;

/**
 * Whether the JDK's Vector API is loaded ({@code --add-modules jdk.incubator.vector}, which {@code ./dlp} and the tests
 * pass): then the fused Adam pass and the parameter step run on {@link NativeSimd} straight in ND4J's memory, else on
 * heap copies with plain loops (the same arithmetic, bit for bit). {@code -Ddlp.noSimd=true} turns it off.
 */
public final class Simd {
    /** The incubator module is loaded (skipgram's kernels check this, with their own switch). */
    public static final boolean MODULE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    public static final boolean AVAILABLE = MODULE && !Boolean.getBoolean("dlp.noSimd");

    private Simd() {
    }
}
