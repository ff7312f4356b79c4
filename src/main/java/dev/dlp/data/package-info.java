/** Data sets: MNIST IDX files, batch sources, and where data lives on disk. */
package dev.dlp.data;
