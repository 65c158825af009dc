package org.understudy.examples.kv.http;

/** Servers for tests: loopback, a port from the OS, one event loop. */
final class TestServers {
    private TestServers() {}

    static KvHttpServer start(FakeKvService service) {
        return start(service, KvHttpServerOptions.builder());
    }

    static KvHttpServer start(FakeKvService service, KvHttpServerOptions.Builder options) {
        return KvHttpServer.start(service, options.listen("127.0.0.1", 0).ioThreads(1).build());
    }
}
