/** {@code dlp seq2seq}: a character-level LSTM encoder/decoder with greedy and beam-search inference decoders. */
package dev.dlp.pipelines.seq2seq;
