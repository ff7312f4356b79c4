/** {@code dlp admit}: the two-layer student-admissions network, with a synthetic data generator and baselines. */
package dev.dlp.pipelines.admit;
