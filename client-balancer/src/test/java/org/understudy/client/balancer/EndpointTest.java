package org.understudy.client.balancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EndpointTest {

    @ParameterizedTest
    @CsvSource({
        "127.0.0.1:2379, 127.0.0.1, 2379",
        "  node-1.example:80 , node-1.example, 80",
        "http://10.0.0.1:2379, 10.0.0.1, 2379",
        "HTTPS://10.0.0.1:2379/, 10.0.0.1, 2379",
        "tls://h:1, h, 1",
        "'[::1]:2379', ::1, 2379",
        "'tcp://[fe80::1]:65535', fe80::1, 65535"})
    void parsesWhatTheClusterAndOperatorsWrite(String text, String host, int port) {
        assertThat(Endpoint.parse(text)).isEqualTo(new Endpoint(host, port));
    }

    @ParameterizedTest
    @CsvSource({
        "'', EMPTY",
        "host, MISSING_PORT",
        "ftp://h:1, UNKNOWN_SCHEME",
        "http://h:1/v1, HAS_PATH",
        "h:port, BAD_PORT",
        "h:0, PORT_OUT_OF_RANGE",
        "h:65536, PORT_OUT_OF_RANGE",
        ":2379, BAD_HOST",
        "::1:2379, BAD_HOST",
        "'[::1]2379', MISSING_PORT",
        "'a b:1', BAD_HOST"})
    void rejectsBadInputWithTheProblemAndTheInput(String text, InvalidEndpointException.Problem problem) {
        assertThatThrownBy(() -> Endpoint.parse(text))
                .isInstanceOfSatisfying(InvalidEndpointException.class, e -> {
                    assertThat(e.problem()).isEqualTo(problem);
                    assertThat(e.code()).isEqualTo(ErrorCodes.BAD_REQUEST);
                    assertThat(e.getMessage()).contains("invalid endpoint");
                });
    }

    @Test
    void printsIpv6InBracketsSoItParsesBack() {
        Endpoint e = Endpoint.of("::1", 2379);
        assertThat(e.toString()).isEqualTo("[::1]:2379");
        assertThat(Endpoint.parse(e.toString())).isEqualTo(e);
    }

    @Test
    void parsesACommaSeparatedListAndRejectsAnEmptyItem() {
        assertThat(Endpoint.parseList("a:1,b:2")).containsExactly(Endpoint.of("a", 1), Endpoint.of("b", 2));
        assertThatThrownBy(() -> Endpoint.parseList("a:1,,b:2")).isInstanceOf(InvalidEndpointException.class);
    }
}
