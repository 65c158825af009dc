/**
 * raft-kv: a replicated key-value store assembled from Understudy, with its HTTP/JSON API and
 * command line (see {@code RAFT-KV.md}); the example most users start from.
 */
package org.understudy.examples.kv;
