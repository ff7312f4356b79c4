package dev.dlp.cli;

import dev.dlp.run.BuildInfo;
import picocli.CommandLine;

/** {@code dlp --version}. Does not touch ND4J. */
public final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[]{"dlp " + BuildInfo.version(), "Deeplearning4j/ND4J " + BuildInfo.DL4J_VERSION,
                "Java " + System.getProperty("java.version")};
    }
}
