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

    private volatile int signal;
    private final Map<String, SignalHandler> previous = new HashMap<>();

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
        return s;
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
        previous.forEach((name, handler) -> {
            try {
                Signal.handle(new Signal(name), handler);
            } catch (IllegalArgumentException ignored) {
                // not installed
            }
        });
    }
}
