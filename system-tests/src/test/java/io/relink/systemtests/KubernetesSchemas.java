package io.relink.systemtests;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.gson.JsonParser;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;

/**
 * Judges a Kubernetes object offline, as the API server's strict field validation would: no unknown field, every
 * required one, the right types and enum values.
 * <ul>
 * <li>Kinds of the Kubernetes API (1.32): the generated models of io.kubernetes:client-java-api.</li>
 * <li>Custom resources: the JSON Schemas committed in {@code deploy/schemas} (see its {@code refresh} script for where
 * each comes from), plus their {@code metadata} against the API's ObjectMeta.</li>
 * </ul>
 */
final class KubernetesSchemas {
    private final Path schemas;
    private final JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7);
    private final Map<Path, JsonSchema> loaded = new ConcurrentHashMap<>();

    KubernetesSchemas(Path repositoryRoot) {
        this.schemas = repositoryRoot.resolve("deploy/schemas");
    }

    /** Whether the object's kind is a custom resource with a committed schema. */
    boolean isCustom(JsonNode object) {
        return Files.exists(schemaFile(object));
    }

    /** What is wrong with the object, one line each; empty when it is valid. */
    List<String> problems(JsonNode object) {
        String kind = object.path("kind").asText();
        String name = kind + " " + object.at("/metadata/name").asText();
        List<String> problems = new ArrayList<>();
        if (isCustom(object)) {
            for (var error : schema(schemaFile(object)).validate(object)) {
                problems.add(name + ": " + error.getMessage());
            }
            validateCore("V1ObjectMeta", object.path("metadata"), name + ": metadata", problems);
            return problems;
        }
        String apiVersion = object.path("apiVersion").asText();
        String version = apiVersion.substring(apiVersion.lastIndexOf('/') + 1);
        String model = Character.toUpperCase(version.charAt(0)) + version.substring(1) + kind;
        validateCore(model, object, name, problems);
        return problems;
    }

    private static void validateCore(String model, JsonNode node, String name, List<String> problems) {
        Class<?> type;
        try {
            type = Class.forName("io.kubernetes.client.openapi.models." + model);
        } catch (ClassNotFoundException e) {
            problems.add(name + ": neither a kind of the Kubernetes API nor a custom resource with a schema in deploy/schemas");
            return;
        }
        try {
            type.getMethod("validateJsonElement", com.google.gson.JsonElement.class).invoke(null, JsonParser.parseString(node.toString()));
        } catch (InvocationTargetException e) {
            problems.add(name + ": " + e.getCause().getMessage());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(model + " cannot validate", e);
        }
    }

    private Path schemaFile(JsonNode object) {
        String apiVersion = object.path("apiVersion").asText();
        return schemas.resolve(apiVersion.replace('/', '_') + "_" + object.path("kind").asText() + ".json");
    }

    private JsonSchema schema(Path file) {
        return loaded.computeIfAbsent(file, f -> {
            try {
                return factory.getSchema(Files.readString(f));
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + f, e);
            }
        });
    }
}
