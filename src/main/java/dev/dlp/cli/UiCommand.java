package dev.dlp.cli;

import dev.dlp.ui.StatsUi;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code dlp ui}: DL4J's training UI over the runs' statistics. */
@Command(name = "ui", mixinStandardHelpOptions = true,
        description = {"Serve DL4J's training UI (score chart, update:parameter ratios, activations, learning rates, "
                + "memory) for every run under the runs root that recorded statistics (train.stats: true, or --stats "
                + "on a training subcommand). Each run is one session in the UI's session list; runs still training "
                + "update live, runs started later appear within seconds.",
            "Prints the URL, then serves until Ctrl-C."},
        footer = {"", "Example: ./dlp lenet --stats &  ./dlp ui  # then open the printed URL",
            "From another machine: ssh -L 9000:127.0.0.1:9000 SERVER, then http://localhost:9000/ here."})
public final class UiCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    LoggingMixin logging;
    @Option(names = "--runs-root", paramLabel = "DIR", defaultValue = "models",
            description = "Where the run directories are (default: ${DEFAULT-VALUE}).")
    Path runsRoot;
    @Option(names = "--port", paramLabel = "P", defaultValue = "9000", description = "Port (default: ${DEFAULT-VALUE}).")
    int port;
    @Option(names = "--host", paramLabel = "H", defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}, this machine only: the UI has no login "
                    + "and shows every run's statistics and configuration to whoever can reach it). 0.0.0.0 listens "
                    + "on every interface; prefer an SSH tunnel.")
    String host;

    @Override
    public Integer call() throws InterruptedException {
        if (!Files.isDirectory(runsRoot)) {
            throw new ExitCodes.BadInputException("--runs-root: no such directory: " + runsRoot);
        }
        if (port < 1 || port > 65535) {
            throw new ExitCodes.BadInputException("--port: must be 1-65535, got " + port);
        }
        StatsUi ui;
        try {
            ui = StatsUi.start(runsRoot, host, port);
        } catch (IllegalStateException e) {
            throw new ExitCodes.BadInputException(e.getMessage() + " (is the port in use? choose another with --port)");
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("dlp ui: " + ui.url() + "  (" + ui.sessions().size() + " runs with statistics under " + runsRoot
                + "; Ctrl-C stops)");
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            ui.close();
            out.println("dlp ui: stopped");
            out.flush();
            stopped.countDown();
        }, "dlp-ui-stop"));
        stopped.await();
        return 0;
    }
}
