package dev.dlp.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Versions and the git commit of the code that runs, for summaries and {@code --version}. */
public final class BuildInfo {
    public static final String DL4J_VERSION = "1.0.0-M2.1";

    private BuildInfo() {
    }

    public static String version() {
        String v = BuildInfo.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** The commit of the checkout the running classes came from, or "unknown". */
    public static String gitCommit() {
        try {
            Path here = Path.of(BuildInfo.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path dir = Files.isDirectory(here) ? here : here.getParent();
            Process p = new ProcessBuilder("git", "-C", dir.toString(), "rev-parse", "HEAD")
                    .redirectErrorStream(true).start();
            if (!p.waitFor(3, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "unknown";
            }
            String out = new String(p.getInputStream().readAllBytes()).trim();
            return p.exitValue() == 0 && out.matches("[0-9a-f]{40}") ? out : "unknown";
        } catch (IOException | InterruptedException | java.net.URISyntaxException | RuntimeException e) {
            return "unknown";
        }
    }
}
