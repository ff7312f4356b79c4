package dev.dlp.train;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.util.HashMap;
import java.util.Map;

/**
 * Turns Ctrl-C (SIGINT) and SIGTERM into a polite stop request: the trainer finishes the current batch, writes
 * a checkpoint, marks the run interrupted and exits 130 / 143. A second signal falls back to the JVM default.
 */
public final class StopSignal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StopSignal.class);

    /** Set by {@code dlp sweep} for its points: the driver's pid, so that a point stops when the driver dies. */
    public static final String PARENT_PID_ENV = "DLP_PARENT_PID";
    /** SIGHUP's number: a stop because the process that started this one is gone. */
    static final int HANGUP = 1;

    private volatile int signal;
    private final Map<String, SignalHandler> previous = new HashMap<>();
    private Thread watcher;

    private StopSignal() {
    }

    /** Installs handlers for INT and TERM until {@link #close()}. */
    public static StopSignal install() {
        StopSignal s = new StopSignal();
        for (String name : new String[]{"INT", "TERM"}) {
            try {
                Signal sig = new Signal(name);
                s.previous.put(name, Signal.handle(sig, x -> s.onSignal(x, name)));
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                LOG.debug("cannot handle SIG{}: {}", name, e.getMessage());
            }
        }
        s.watchParent(System.getenv(PARENT_PID_ENV));
        return s;
    }

    /** With a parent pid (a sweep point): a stop request (exit 129) when that process is gone. */
    private void watchParent(String pid) {
        if (pid == null || !pid.matches("\\d+")) {
            return;
        }
        java.util.Optional<ProcessHandle> parent = ProcessHandle.of(Long.parseLong(pid));
        watcher = new Thread(() -> {
            try {
                while (parent.map(ProcessHandle::isAlive).orElse(false)) {
                    Thread.sleep(1000);
                }
                if (signal == 0) {
                    signal = HANGUP;
                    LOG.warn("the sweep driver (pid {}) is gone: stopping after the current step (a checkpoint is "
                            + "written; dlp sweep --resume continues this point)", pid);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "dlp-parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** A stop request that no signal delivers (tests, callers that stop programmatically). */
    public static StopSignal none() {
        return new StopSignal();
    }

    private void onSignal(Signal sig, String name) {
        if (signal != 0) {
            SignalHandler prev = previous.get(name);
            if (prev != null && prev != SignalHandler.SIG_IGN) {
                if (prev == SignalHandler.SIG_DFL) {
                    Runtime.getRuntime().halt(128 + sig.getNumber());
                }
                prev.handle(sig);
            }
            return;
        }
        signal = sig.getNumber();
        LOG.warn("SIG{} received: stopping after the current step (training runs write a checkpoint)", name);
    }

    /** Asks the trainer to stop as if {@code signalNumber} had arrived (2 = INT, 15 = TERM). */
    public void request(int signalNumber) {
        signal = signalNumber;
    }

    public boolean requested() {
        return signal != 0;
    }

    /** The shell convention for a death by signal: 128 + its number. */
    public int exitCode() {
        return 128 + signal;
    }

    @Override
    public void close() {
        if (watcher != null) {
            watcher.interrupt();
        }
        previous.forEach((name, handler) -> {
            try {
                Signal.handle(new Signal(name), handler);
            } catch (IllegalArgumentException ignored) {
                // not installed
            }
        });
    }
}
