/** Pictures: training curves (XChart) and image grids (filters, feature maps, digits). */
package dev.dlp.report;
