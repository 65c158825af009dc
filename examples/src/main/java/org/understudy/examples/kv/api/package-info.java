/**
 * The contract between raft-kv's HTTP layer and its node: {@link org.understudy.examples.kv.api.KvService},
 * its result records and its typed errors.
 */
package org.understudy.examples.kv.api;
