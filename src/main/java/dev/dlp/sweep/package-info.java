/** {@code dlp sweep} and {@code dlp runs}: hyperparameter sweeps as separate processes, and the run table. */
package dev.dlp.sweep;
