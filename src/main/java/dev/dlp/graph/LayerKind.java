package dev.dlp.graph;

/**
 * Builds one graph vertex from its spec. The result is a DL4J {@code Layer} configuration or a
 * {@code GraphVertex}; the graph builder adds either.
 */
@FunctionalInterface
public interface LayerKind {
    Object build(Params p);
}
