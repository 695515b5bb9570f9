package io.relink.devstack.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class PrometheusTextTest {
    private static final String EXPOSITION = """
            # TYPE relink_reauth_refusals_total counter
            relink_reauth_refusals_total{reason="WRONG_ACCOUNT"} 2.0 # {span_id="44833b4862af2ac6",trace_id="5f93"} 1.0 1795957972.110
            relink_reauth_refusals_total{reason="NYLAS_FAILED"} 1.0
            relink_kafka_up 0.0
            relink_kafka_up_other 7.0
            """;

    @Test
    void oneSeriesItsValueNotItsExemplar() {
        assertEquals(2.0, PrometheusText.sum(EXPOSITION, "relink_reauth_refusals_total{reason=\"WRONG_ACCOUNT\"}"));
    }

    @Test
    void aNameSumsItsLabelSetsAndNoOtherName() {
        assertEquals(3.0, PrometheusText.sum(EXPOSITION, "relink_reauth_refusals_total"));
        assertEquals(0.0, PrometheusText.sum(EXPOSITION, "relink_kafka_up"));
        assertEquals(0.0, PrometheusText.sum(EXPOSITION, "relink_missing"));
    }
}
