package io.relink.devstack;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Gives a {@code @QuarkusTest} real Kafka, PostgreSQL and SMTP with one annotation:
 * {@code @WithTestResource(DevstackResource.class)}. Test classes with the same resources share one
 * application and one stack. A field annotated {@link InjectDevstack} receives the {@link Devstack}.
 * The init argument {@code database} names the database prefix (default {@code relink_test}).
 */
public class DevstackResource implements QuarkusTestResourceLifecycleManager {
    private String databasePrefix = "relink_test";
    private Devstack devstack;

    @Override
    public void init(Map<String, String> initArgs) {
        databasePrefix = initArgs.getOrDefault("database", databasePrefix);
    }

    @Override
    public Map<String, String> start() {
        devstack = Devstack.start(databasePrefix);
        return devstack.quarkusConfig();
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(devstack, new TestInjector.AnnotatedAndMatchesType(InjectDevstack.class, Devstack.class));
    }

    @Override
    public void stop() {
        if (devstack != null) {
            devstack.close();
            devstack = null;
        }
    }
}
