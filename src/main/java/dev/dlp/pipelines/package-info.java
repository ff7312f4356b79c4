/** What every training subcommand shares: the pipeline contract and the launcher that runs one. */
package dev.dlp.pipelines;
