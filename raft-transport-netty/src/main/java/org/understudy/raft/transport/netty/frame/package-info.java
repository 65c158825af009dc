/**
 * Length-prefixed protobuf frames, shared by the peer transport and the client RPC.
 *
 * <p>A frame is a 4-byte big-endian unsigned length {@code n} followed by {@code n} bytes holding
 * one serialized protobuf message. {@code n} may not exceed the configured maximum: a reader fails
 * as soon as it has read a length that is too large (it never buffers the oversized body), and a
 * writer refuses to produce one. A frame whose bytes do not parse as the expected message is an
 * error too. Every error surfaces as a {@link io.netty.handler.codec.DecoderException} or
 * {@link io.netty.handler.codec.EncoderException} in the pipeline; the protocol handlers close
 * that one connection.
 *
 * <p>Install with {@link org.understudy.raft.transport.netty.frame.FramePipeline#install}; the
 * handlers are also usable one by one.
 */
package org.understudy.raft.transport.netty.frame;
