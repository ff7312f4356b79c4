package org.nd4j.nativeblas;

/**
 * Compatibility shim for DL4J 1.0.0-M2.1's oneDNN layer helpers.
 *
 * <p>{@code org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper#mklDnnEnabled()} looks up
 * {@code org.nd4j.nativeblas.Nd4jCpu$Environment#getInstance().isUseMKLDNN()} by name. In M2.1, nd4j-native moved
 * that class to {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment} and renamed the flag to
 * {@code isUseONEDNN()}, so the lookup fails and every conv/pooling/batch-norm helper is silently dropped. This
 * class answers the old lookup by delegating to the new one. It is only consulted by that reflective check;
 * {@link dev.dlp.nd4j.Backend} enables the helpers only when the loaded libnd4j build has oneDNN, and verifies
 * that they attached. On a DL4J version that fixes the lookup this class is simply never loaded.
 */
public final class Nd4jCpu {
    private Nd4jCpu() {
    }

    /** The old name of the native environment singleton. */
    public static final class Environment {
        private static final Environment INSTANCE = new Environment();

        private Environment() {
        }

        public static Environment getInstance() {
            return INSTANCE;
        }

        /**
         * True when the loaded libnd4j build uses oneDNN. Looked up by name, so this class also compiles against
         * the CUDA backend (where nothing consults it).
         */
        public boolean isUseMKLDNN() {
            try {
                Class<?> env = Class.forName("org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment");
                Object instance = env.getMethod("getInstance").invoke(null);
                return (Boolean) env.getMethod("isUseONEDNN").invoke(instance);
            } catch (ReflectiveOperationException | ClassCastException e) {
                return false;
            }
        }
    }
}
