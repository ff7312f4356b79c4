package dev.dlp.fast;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One worker thread that runs one task at a time for one caller, handing work over by polling briefly and then
 * parking.
 *
 * <p>Why not an {@code ExecutorService}: a training step hands a slice to each worker and waits for it, hundreds of
 * times a second. A parked thread took 130-230 µs to wake on this 2-core VM, and the caller as long again to wake
 * when the result came (measured per step on LeNet-5, {@code train.workers: 2}: ~0.4 ms of a ~4.5 ms step). Here
 * both sides poll a volatile counter for up to {@link #SPIN_NANOS} (longer than the gap between two steps of
 * the models dlp ships), and only park after that, so a busy run pays no wake-up and an idle lane costs no CPU.
 * They poll with {@code Thread.yield()}, not a pure spin: with two cores and two workers, a pure spin kept the
 * JIT's compiler threads off the CPU for the first seconds of training (LeNet-5's second epoch on 20k examples
 * then ran slower with 2 workers than with 1: 6.4k against 8.8k samples/s, docs/performance.md).
 */
final class Lane implements AutoCloseable {
    /** How long either side polls before parking. */
    static final long SPIN_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    private final Thread thread;
    private volatile Thread caller;
    private volatile Callable<?> task;
    /** Tasks posted and tasks finished; a task is pending while they differ. */
    private volatile long posted;
    private volatile long finished;
    private volatile boolean closed;
    private Object result;
    private Throwable failure;

    /** A lane whose thread first runs {@code setup} (e.g. per-thread native settings). */
    Lane(String name, Runnable setup) {
        thread = new Thread(() -> {
            setup.run();
            loop();
        }, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Starts {@code t} on the lane's thread; the previous task must have been joined. */
    void post(Callable<?> t) {
        if (posted != finished) {
            throw new IllegalStateException("the lane's previous task was not joined");
        }
        caller = Thread.currentThread();
        task = t;
        posted = posted + 1;   // publishes task (volatile write after the plain ones)
        LockSupport.unpark(thread);
    }

    /** Waits for the posted task and returns its result, or rethrows its failure. */
    Object join() {
        long deadline = System.nanoTime() + SPIN_NANOS;
        while (finished != posted) {
            if (System.nanoTime() < deadline) {
                Thread.yield();
            } else {
                LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(1));
            }
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
        return result;
    }

    private void loop() {
        long seen = 0;
        while (true) {
            long deadline = System.nanoTime() + SPIN_NANOS;
            while (posted == seen) {
                if (closed) {
                    return;
                }
                if (System.nanoTime() < deadline) {
                    Thread.yield();
                } else {
                    LockSupport.park(this);
                }
            }
            seen = posted;
            try {
                result = task.call();
                failure = null;
            } catch (Throwable e) {
                result = null;
                failure = e;
            }
            task = null;
            finished = seen;   // publishes result and failure
            LockSupport.unpark(caller);
        }
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
    }
}
