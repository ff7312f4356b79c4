/** Run directories: layout, atomic writes, and {@code summary.json}. */
package dev.dlp.run;
