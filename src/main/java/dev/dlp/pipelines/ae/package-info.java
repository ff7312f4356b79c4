/** {@code dlp ae} and {@code dlp conv-ae}: dense and convolutional (denoising) autoencoders on MNIST. */
package dev.dlp.pipelines.ae;
