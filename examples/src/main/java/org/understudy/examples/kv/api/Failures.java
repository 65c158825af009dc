package org.understudy.examples.kv.api;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** The failure a future stands for, under the wrappers that futures add. */
public final class Failures {
    private Failures() {}

    /** {@code failure} without its {@link CompletionException} / {@link ExecutionException} wrappers. */
    public static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
