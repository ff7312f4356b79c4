/** {@code dlp skipgram}: skip-gram word2vec with negative sampling on a text corpus, with nearest/eval tools. */
package dev.dlp.pipelines.skipgram;
