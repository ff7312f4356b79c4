/**
 * Watching training: {@code train.stats} records DL4J's training statistics into the run directory
 * ({@link dev.dlp.ui.RunStats}), and {@code dlp ui} serves DL4J's training UI over every run that has them
 * ({@link dev.dlp.ui.StatsUi}).
 */
package dev.dlp.ui;
