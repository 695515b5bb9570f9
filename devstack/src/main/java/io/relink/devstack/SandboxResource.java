package io.relink.devstack;

import java.util.LinkedHashMap;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts the Nylas sandbox as its own process for a {@code @QuarkusTest} and points {@code relink.nylas.*}
 * at it: {@code @WithTestResource(SandboxResource.class)}, with sandbox settings as init arguments
 * ({@code @ResourceArg(name = "relink.sandbox.accounts", value = "5000")}). {@code @ResourceArg(name = NATIVE_AUTH,
 * value = "true")} also puts reauth in native mode against the sandbox's Microsoft stand-in, and {@code TENANT_DISCOVERY}
 * points the notifier's tenant discovery at it, and {@code WEBHOOKS} gives the scanner the sandbox's webhook secret. The service is a Nylas v3 application unless {@code NYLAS_API} says
 * {@code v2}. A field annotated
 * {@link InjectSandbox} receives the {@link SandboxProcess}.
 */
public class SandboxResource implements QuarkusTestResourceLifecycleManager {
    public static final String NATIVE_AUTH = "native-auth";
    /** {@code @ResourceArg(name = TENANT_DISCOVERY, value = "true")}: the notifier asks the sandbox whether domains have a tenant. */
    public static final String TENANT_DISCOVERY = "tenant-discovery";
    /** {@code @ResourceArg(name = NYLAS_API, value = "v2")}: the service calls the sandbox as a v2 application; v3 otherwise. */
    public static final String NYLAS_API = "nylas-api";
    /** {@code @ResourceArg(name = WEBHOOKS, value = "true")}: the scanner accepts the webhooks the sandbox signs. */
    public static final String WEBHOOKS = "webhooks";

    private final Map<String, String> options = new LinkedHashMap<>();
    private boolean nativeAuth;
    private boolean tenantDiscovery;
    private boolean webhooks;
    private String api;
    private SandboxProcess sandbox;

    @Override
    public void init(Map<String, String> initArgs) {
        options.putAll(initArgs);
        nativeAuth = Boolean.parseBoolean(options.remove(NATIVE_AUTH));
        tenantDiscovery = Boolean.parseBoolean(options.remove(TENANT_DISCOVERY));
        webhooks = Boolean.parseBoolean(options.remove(WEBHOOKS));
        api = options.getOrDefault(NYLAS_API, "v3");
        options.remove(NYLAS_API);
    }

    @Override
    public Map<String, String> start() {
        sandbox = new SandboxProcess(options).start();
        Map<String, String> config = new LinkedHashMap<>(sandbox.relinkConfig(api));
        if (nativeAuth) {
            config.putAll(sandbox.nativeAuthConfig());
        }
        if (tenantDiscovery) {
            config.putAll(sandbox.tenantDiscoveryConfig());
        }
        if (webhooks) {
            config.putAll(sandbox.webhookConfig());
        }
        return config;
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
