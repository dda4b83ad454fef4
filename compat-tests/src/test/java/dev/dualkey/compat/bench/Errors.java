package dev.dualkey.compat.bench;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/** Short, single-line descriptions of failed operations for the report's notes. */
final class Errors {
    private Errors() {
    }

    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    static String describe(Throwable t) {
        Throwable e = unwrap(t);
        if (e instanceof AwsServiceException s && s.awsErrorDetails() != null) {
            return "HTTP " + s.statusCode() + " " + s.awsErrorDetails().errorCode();
        }
        String message = String.valueOf(e.getMessage()).replaceAll("\\s+", " ");
        return e.getClass().getSimpleName() + ": " + message.substring(0, Math.min(120, message.length()));
    }
}
