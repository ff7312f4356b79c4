package dev.dlp.data;

import java.nio.file.Path;

/** Where data sets live: {@code --data-dir}, else {@code $DLP_DATA}, else the config's {@code data.dir}. */
public final class DataDir {
    private DataDir() {
    }

    public static Path resolve(String cliValue, String configValue) {
        if (cliValue != null && !cliValue.isBlank()) {
            return Path.of(cliValue);
        }
        String env = System.getenv("DLP_DATA");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(configValue == null || configValue.isBlank() ? "data" : configValue);
    }
}
