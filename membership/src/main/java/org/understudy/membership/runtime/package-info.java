/** The membership SPIs implemented over raft-core's {@code RaftNode} runtime. */
package org.understudy.membership.runtime;
