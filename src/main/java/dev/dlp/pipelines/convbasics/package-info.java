/** {@code dlp conv-basics}: convolution, padding, stride and dilation computed with ND4J's conv2d op and shown. */
package dev.dlp.pipelines.convbasics;
