/** Pieces shared by the storage engines: the data directory's identity and lock. */
package org.understudy.raft.storage;
