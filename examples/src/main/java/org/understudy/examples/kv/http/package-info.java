/**
 * raft-kv's HTTP/JSON API (RAFT-KV.md) on Netty's HTTP codec: {@link org.understudy.examples.kv.http.KvHttpServer}
 * serves a {@link org.understudy.examples.kv.api.KvService} on the client port.
 *
 * <h2>Routes</h2>
 * <table>
 *   <caption>Routes and their successful answers</caption>
 *   <tr><th>request</th><th>success</th></tr>
 *   <tr><td>{@code PUT /v1/kv/{key}} body = the value (UTF-8), optional {@code ?prev_revision=R}</td>
 *       <td>200 {@code {"revision":R}}</td></tr>
 *   <tr><td>{@code GET /v1/kv/{key}} optional {@code ?consistency=serializable|linearizable} (default linearizable)</td>
 *       <td>200 {@code {"key":K,"value":V,"revision":R}}</td></tr>
 *   <tr><td>{@code DELETE /v1/kv/{key}}</td><td>200 {@code {"revision":R,"deleted":true|false}}</td></tr>
 *   <tr><td>{@code GET /v1/members}</td>
 *       <td>200 {@code {"leader":ID,"members":[{"id","name","peerUrls","clientUrls","learner","matchIndex","lag"}]}}</td></tr>
 *   <tr><td>{@code POST /v1/members} {@code {"name","peerUrls":[..],"learner":true}} (learner unless {@code false})</td>
 *       <td>201 {@code {"member":{..},"initialCluster":".."}}</td></tr>
 *   <tr><td>{@code POST /v1/members/{id}/promote}</td><td>200 {@code {"member":{..}}}</td></tr>
 *   <tr><td>{@code DELETE /v1/members/{id}}</td><td>200 {@code {}}</td></tr>
 *   <tr><td>{@code PUT /v1/members/{id}/client-url} (internal: a member advertising its client address, body {@code host:port}; leader only)</td><td>200 {@code {}}</td></tr>
 *   <tr><td>{@code GET /v1/status}</td>
 *       <td>200 {@code {"id","name","role","term","leader","commitIndex","appliedIndex","lastIndex","learner"}}</td></tr>
 *   <tr><td>{@code GET /health}</td><td>200 {@code {"healthy":true}}; 503 {@code {"healthy":false,"reason":".."}}</td></tr>
 *   <tr><td>{@code GET /metrics}</td><td>200 Prometheus text, {@code text/plain; version=0.0.4; charset=utf-8}</td></tr>
 * </table>
 *
 * <p>Keys are the rest of the path after {@code /v1/kv/}, percent-decoded as UTF-8, and may contain
 * {@code /}; an empty key, a broken escape or bytes that are not UTF-8 are 400. Values are UTF-8
 * text: a PUT body that is not UTF-8 is 400. Member ids are hex strings (1–16 digits, either case)
 * in paths and bodies, never JSON numbers. Routes take only the query parameters listed; any other,
 * or one given twice, is 400, and routes without a body refuse a non-blank one. {@code PUT} and
 * {@code DELETE} of a key accept an optional {@code X-Understudy-Request-Id} header (1–128
 * printable ASCII characters) that makes a retried write apply once.
 *
 * <h2>Status rules</h2>
 * <ul>
 *   <li>Every answer except {@code /metrics} is JSON ({@code application/json}). Errors are
 *       {@code {"code":"..","message":"..", ...details}} where code is a
 *       {@link org.understudy.examples.kv.api.KvErrorCode} and the status is its
 *       {@code httpStatus()}: 400 {@code BAD_REQUEST}/{@code INVALID_PEER_URL}, 403
 *       {@code UNSUPPORTED_ON_LEARNER}, 404 {@code KEY_NOT_FOUND}/{@code MEMBER_NOT_FOUND}/{@code NOT_FOUND},
 *       409 {@code CONF_CHANGE_IN_PROGRESS}, 412 {@code REVISION_MISMATCH}/{@code LEARNER_NOT_READY}/{@code NOT_A_LEARNER},
 *       413 {@code PAYLOAD_TOO_LARGE}, 429 {@code TOO_MANY_LEARNERS}, 503 {@code NOT_LEADER}/{@code UNAVAILABLE}.
 *       Details (e.g. {@code lag}, {@code reason}, {@code revision}, {@code leader}) are added as
 *       fields, sorted by name.</li>
 *   <li>Bad JSON, a body that is not one JSON object, unknown, missing or wrongly typed fields
 *       (JSON null included), duplicate keys: 400 {@code BAD_REQUEST}, the message names the field.</li>
 *   <li>An unknown path, and a known path with a method it does not take, are both 404
 *       {@code NOT_FOUND} (there is no 405: RAFT-KV.md names no code for it); the message of the
 *       second lists the methods the path takes.</li>
 *   <li>A body over the limit (1 MiB by default, {@link org.understudy.examples.kv.http.KvHttpServerOptions.Builder#maxBodyBytes})
 *       is 413 {@code PAYLOAD_TOO_LARGE} with {@code maxBodyBytes}; the connection closes after the
 *       rest of the body has been read and dropped (at most {@code drainTimeout}). A request the
 *       HTTP codec cannot decode (request line over 4 KiB, headers over 8 KiB, bad framing) is 400
 *       and the connection closes; every other refusal keeps the connection open.</li>
 *   <li>A failure that is not a {@code KvException} is 503 {@code UNAVAILABLE} with a generic
 *       message; the stack trace goes to the log at WARN, never to the client.</li>
 *   <li>{@code NOT_LEADER} with a {@code leaderClientUrl} detail (or, failing that,
 *       {@code KvService.leaderClientUrl()}) is forwarded once to {@code http://<leaderClientUrl>}
 *       ({@code https://} when the members run TLS: {@code KvHttpServerOptions.forwardScheme}) with
 *       {@code X-Understudy-Forwarded: 1}; the leader's status, content
 *       type and body are relayed as they are. A request carrying that header is never forwarded
 *       again: its {@code NOT_LEADER} is answered 503. When the leader cannot be reached in time:
 *       503 {@code UNAVAILABLE} naming the leader.</li>
 * </ul>
 *
 * <h2>Connections</h2>
 * HTTP/1.1 keep-alive (and HTTP/1.0 with {@code Connection: keep-alive}); pipelined requests are
 * answered in order, one at a time per connection; idle connections close after
 * {@code idleTimeout}. Optional TLS with a server {@code SslContext}.
 */
package org.understudy.examples.kv.http;
