/** YAML configs: loading, {@code --set} overrides, typed binding and validation with key paths. */
package dev.dlp.config;
