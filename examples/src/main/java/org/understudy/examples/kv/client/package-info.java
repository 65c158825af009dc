/**
 * raft-kv's adapters of client-balancer's SPIs over the HTTP/JSON API of RAFT-KV.md:
 * {@link org.understudy.examples.kv.client.HttpClientTransport} (key operations, encoded as
 * {@link org.understudy.examples.kv.client.KvOperation} payloads) and
 * {@link org.understudy.examples.kv.client.HttpMemberSource} ({@code GET /v1/members}).
 */
package org.understudy.examples.kv.client;
