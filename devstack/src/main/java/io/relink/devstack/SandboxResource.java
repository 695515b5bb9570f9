package io.relink.devstack;

import java.util.LinkedHashMap;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts the Nylas sandbox as its own process for a {@code @QuarkusTest} and points {@code relink.nylas.*}
 * at it: {@code @WithTestResource(SandboxResource.class)}, with sandbox settings as init arguments
 * ({@code @ResourceArg(name = "relink.sandbox.accounts", value = "5000")}). A field annotated
 * {@link InjectSandbox} receives the {@link SandboxProcess}.
 */
public class SandboxResource implements QuarkusTestResourceLifecycleManager {
    private final Map<String, String> options = new LinkedHashMap<>();
    private SandboxProcess sandbox;

    @Override
    public void init(Map<String, String> initArgs) {
        options.putAll(initArgs);
    }

    @Override
    public Map<String, String> start() {
        sandbox = new SandboxProcess(options).start();
        return sandbox.relinkConfig();
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(sandbox, new TestInjector.AnnotatedAndMatchesType(InjectSandbox.class, SandboxProcess.class));
    }

    @Override
    public void stop() {
        if (sandbox != null) {
            sandbox.close();
        }
    }
}
