/** The trainer: epoch loop, validation, metrics, checkpoints and resume, early stopping, progress. */
package dev.dlp.train;
