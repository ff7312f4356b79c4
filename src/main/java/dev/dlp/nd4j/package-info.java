/** ND4J backend set-up: native memory limits, threads, the oneDNN build and its layer helpers. */
package dev.dlp.nd4j;
