/** {@code dlp lenet}: MNIST digit classifiers (softmax regression, MLP, LeNet-5), evaluation and pictures. */
package dev.dlp.pipelines.lenet;
