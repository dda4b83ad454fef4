package dev.dualkey.gateway.http;

/**
 * An {@link OutOfMemoryError} ends the process. After one, any thread may have died half-way through an update,
 * Netty's event loops stop or spin on the same failure, and a process that still holds its port but never answers
 * (the state issue 12 F found: even SIGTERM was lost) is worse than one that exits and is restarted by its
 * supervisor. So the first such error seen anywhere halts the JVM ({@link Runtime#halt}: shutdown hooks would
 * need memory and threads that may be gone; RocksDB's WAL makes an unclean stop safe).
 *
 * <p>Where it is caught: the default uncaught-exception handler ({@link #install}) for threads that die of it, and
 * explicit calls to {@link #check} where the gateway catches {@code Throwable} itself (the front door's
 * {@code exceptionCaught} sees allocation failures of socket reads; request failures from the storage executor).
 * Start the JVM with {@code -XX:+ExitOnOutOfMemoryError} as well: it covers errors caught inside libraries.
 */
public final class FatalErrors {
    /** The process exit status after an OutOfMemoryError (as sysexits' EX_SOFTWARE). */
    public static final int EXIT_STATUS = 70;

    private FatalErrors() {
    }

    /** Makes every thread's uncaught OutOfMemoryError halt the process; other errors keep the old handler. */
    public static synchronized void install() {
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        if (previous instanceof Handler) {
            return;
        }
        Thread.setDefaultUncaughtExceptionHandler(new Handler(previous));
    }

    /** Halts the process when {@code t} is, or was caused by, an OutOfMemoryError; returns otherwise. */
    public static void check(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof OutOfMemoryError) {
                die(c);
            }
        }
    }

    private static void die(Throwable oom) {
        try {
            // best effort and allocation-light: the heap is exhausted
            System.err.println("dualkey: fatal OutOfMemoryError in thread " + Thread.currentThread().getName()
                    + "; halting so that a supervisor restarts the server");
            System.err.flush();
        } catch (Throwable ignored) {
            // nothing more can be done; halt anyway
        }
        Runtime.getRuntime().halt(EXIT_STATUS);
    }

    private record Handler(Thread.UncaughtExceptionHandler previous) implements Thread.UncaughtExceptionHandler {
        @Override
        public void uncaughtException(Thread t, Throwable e) {
            check(e);
            if (previous != null) {
                previous.uncaughtException(t, e);
            } else {
                System.err.print("Exception in thread \"" + t.getName() + "\" ");
                e.printStackTrace();
            }
        }
    }
}
