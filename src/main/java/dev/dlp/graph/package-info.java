/** The {@code model:} section of a config turned into a DL4J {@code ComputationGraphConfiguration}. */
package dev.dlp.graph;
