/** What the tabular pipelines share: CSV to features (one-hot, standardisation), splits, metrics, baselines. */
package dev.dlp.pipelines.tabular;
