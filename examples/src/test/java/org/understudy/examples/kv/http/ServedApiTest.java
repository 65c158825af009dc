package org.understudy.examples.kv.http;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A {@link KvHttpServer} on a port from the OS in front of a {@link FakeKvService}, started and stopped around each test. */
abstract class ServedApiTest {
    FakeKvService service;
    KvHttpServer server;
    ApiClient client;

    @BeforeEach
    void start() {
        service = new FakeKvService();
        server = TestServers.start(service);
        client = new ApiClient(server);
    }

    @AfterEach
    void stop() {
        server.close();
    }
}
