package org.understudy.raft.transport.netty.frame;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledHeapByteBuf;

/**
 * A frame payload in a heap array that the {@link FrameDecoder} allocated for this one frame and
 * that nothing else references. {@link ProtobufFrameDecoder} parses it in place, letting the
 * message's {@code bytes} fields alias the array, instead of copying the frame out first; the
 * array then lives as long as the message. Releasing the buffer only drops its own reference.
 *
 * <p>The type is the promise: only the decoder makes these, and only from an array it has just
 * filled. A heap buffer of any other kind (from a heap allocator, say) may be pooled and reused,
 * so it is always copied.
 */
final class OwnedFrame extends UnpooledHeapByteBuf {
    private OwnedFrame(ByteBufAllocator alloc, byte[] array) {
        super(alloc, array, array.length);
    }

    /** Wraps {@code array}, which the caller filled and hands over entirely. */
    static OwnedFrame of(ByteBufAllocator alloc, byte[] array) {
        return new OwnedFrame(alloc, array);
    }
}
