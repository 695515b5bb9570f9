package io.relink.reauth;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.relink.devstack.DevstackResource;
import io.relink.devstack.testing.ServiceBootChecks;

/** The reauth service starts against real Kafka, PostgreSQL and SMTP, and reports its health truthfully. */
@QuarkusTest
@WithTestResource(DevstackResource.class)
class ReauthServiceBootTest extends ServiceBootChecks {
}
