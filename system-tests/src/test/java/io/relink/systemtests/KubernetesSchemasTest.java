package io.relink.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * The schemas in deploy/schemas catch the mistakes an operator or a reviewer would miss: each case takes a custom
 * resource as committed in deploy/, checks it passes, breaks one thing and expects the schema to name it.
 */
class KubernetesSchemasTest {
    private static final Path ROOT = Path.of(System.getProperty("relink.root", "..")).toAbsolutePath().normalize();
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final KubernetesSchemas SCHEMAS = new KubernetesSchemas(ROOT);

    @Test
    void aKafkaUserWithAnAclOperationKafkaDoesNotHaveIsRefused() throws IOException {
        assertRefused("deploy/components/kafka-scram/kafka-users.yaml", "KafkaUser",
                user -> ((ObjectNode) user.at("/spec/authorization/acls/0")).putArray("operations").add("Consume"), "operations");
    }

    @Test
    void aKafkaTopicWithPartitionsAsWordsIsRefused() throws IOException {
        assertRefused("deploy/base/kafka-topics.yaml", "KafkaTopic", topic -> ((ObjectNode) topic.get("spec")).put("partitions", "six"),
                "partitions");
    }

    @Test
    void aServiceMonitorWithAMisspelledFieldIsRefused() throws IOException {
        assertRefused("deploy/base/monitoring/service-monitor.yaml", "ServiceMonitor",
                monitor -> ((ObjectNode) monitor.get("spec")).set("endpoint", monitor.at("/spec/endpoints")), "endpoint");
    }

    @Test
    void anAlertRuleWithoutAnExpressionIsRefused() throws IOException {
        assertRefused("deploy/base/monitoring/alert-rules.yaml", "PrometheusRule",
                rules -> ((ObjectNode) rules.at("/spec/groups/0/rules/0")).remove("expr"), "expr");
    }

    @Test
    void aClusterWhoseManagedRoleHasNoNameIsRefused() throws IOException {
        assertRefused("deploy/components/cloudnative-pg/cluster.yaml", "Cluster",
                cluster -> ((ObjectNode) cluster.at("/spec/managed/roles/0")).remove("name"), "name");
    }

    @Test
    void aScheduledBackupWithAnUnknownMethodIsRefused() throws IOException {
        assertRefused("deploy/components/cloudnative-pg/cluster.yaml", "ScheduledBackup",
                backup -> ((ObjectNode) backup.get("spec")).put("method", "pg_dump"), "method");
    }

    @Test
    void aDatabaseWithoutItsClusterIsRefused() throws IOException {
        assertRefused("deploy/components/cloudnative-pg/cluster.yaml", "Database", database -> ((ObjectNode) database.get("spec")).remove("cluster"),
                "cluster");
    }

    @Test
    void aCustomResourceWithAMisspelledMetadataFieldIsRefusedLikeAnyObject() throws IOException {
        assertRefused("deploy/base/kafka-topics.yaml", "KafkaTopic",
                topic -> ((ObjectNode) topic.get("metadata")).set("label", topic.at("/metadata/labels")), "label");
    }

    private static void assertRefused(String file, String kind, Consumer<JsonNode> mistake, String named) throws IOException {
        JsonNode object = first(file, kind);
        assertTrue(SCHEMAS.isCustom(object), kind + " has a schema in deploy/schemas");
        assertEquals(List.of(), SCHEMAS.problems(object), file + " as committed");
        mistake.accept(object);
        List<String> problems = SCHEMAS.problems(object);
        assertTrue(problems.stream().anyMatch(p -> p.contains(named)), "expected a problem naming " + named + ", got " + problems);
    }

    private static JsonNode first(String file, String kind) throws IOException {
        List<JsonNode> objects = new ArrayList<>();
        try (var docs = YAML.readerFor(JsonNode.class).readValues(ROOT.resolve(file).toFile())) {
            while (docs.hasNext()) {
                objects.add((JsonNode) docs.next());
            }
        }
        return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).findFirst()
                .orElseThrow(() -> new AssertionError(file + " has no " + kind));
    }
}
