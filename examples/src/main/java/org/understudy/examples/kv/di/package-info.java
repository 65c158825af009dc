/**
 * The Dagger wiring of a raft-kv member: {@link org.understudy.examples.kv.di.KvNodeComponent}
 * binds every storage engine and transport by name and starts a
 * {@link org.understudy.examples.kv.node.KvNode}; {@link org.understudy.examples.kv.di.KvNodes}
 * is the one-call entry point. Nothing in the library needs Dagger: {@code KvNode.start} takes the
 * engine and transport factory directly.
 */
package org.understudy.examples.kv.di;
