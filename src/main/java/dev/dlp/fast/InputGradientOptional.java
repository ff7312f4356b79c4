package dev.dlp.fast;

/**
 * A layer configuration of ours that skips its input gradient when it reads a model input directly
 * ({@code inputFed}): set by the graph builder, cleared where DL4J puts a preprocessor in between (see
 * {@link GraphFactory}).
 */
public interface InputGradientOptional {
    boolean isInputFed();

    void setInputFed(boolean inputFed);
}
