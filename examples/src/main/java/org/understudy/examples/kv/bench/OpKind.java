package org.understudy.examples.kv.bench;

/** The two kinds of operation a run sends; they are recorded apart. */
public enum OpKind {
    /** A linearizable {@code GET} of one key. */
    READ,
    /** A {@code PUT} of one key. */
    WRITE
}
