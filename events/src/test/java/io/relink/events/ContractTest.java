package io.relink.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

/**
 * Guards the wire contract: every event validates against its schema, schema and record name the same
 * fields, and the committed golden payloads still read and write back unchanged, so that a renamed or
 * retyped field fails the build.
 */
@Tag("unit")
class ContractTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-11-28T10:15:30.123Z");
    private static final UUID SCAN = UUID.fromString("0b9e8d7c-6a5b-4c3d-9e2f-1a0b9c8d7e6f");

    static RelinkEvent sample(EventType type) {
        return switch (type) {
            case ACCOUNT_DETECTED -> AccountDetected.of(NOW, "acc-1", "jane@contoso.example", "ews", "running", "paid", SCAN);
            case ACCOUNT_RESOLVED -> AccountResolved.of(NOW, "acc-1", AccountResolved.Reason.GONE, SCAN);
            case ACCOUNT_NOTIFIED -> AccountNotified.of(NOW, "acc-1", AccountNotified.Kind.INITIAL, 1, "<m1@relink>");
            case ACCOUNT_BOUNCED -> AccountBounced.of(NOW, "acc-1", AccountNotified.Kind.REMINDER, 2, "550 5.1.1 No such mailbox");
            case ACCOUNT_NOT_AFFECTED -> AccountNotAffected.of(NOW, "acc-1", AccountNotAffected.Reason.ON_PREMISES, "wingtip.example");
            case ACCOUNT_MIGRATED -> AccountMigrated.of(NOW, "acc-1", "acc-2", "graph", true);
        };
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void serializedEventValidatesAgainstItsSchema(EventType type) throws IOException {
        JsonNode written = JSON.readTree(EventCodec.write(sample(type)));
        assertValid(type, written);
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void schemaAndRecordNameTheSameFields(EventType type) {
        Set<String> recordFields = Arrays.stream(type.payloadType().getRecordComponents())
                .map(c -> c.getName()).collect(Collectors.toCollection(TreeSet::new));
        Set<String> schemaFields = new TreeSet<>();
        schema(type).getSchemaNode().get("properties").fieldNames().forEachRemaining(schemaFields::add);
        assertEquals(schemaFields, recordFields, "schema " + type.schemaResource() + " and " + type.payloadType().getSimpleName());
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void goldenPayloadStillReadsAndWritesBackUnchanged(EventType type) throws IOException {
        byte[] golden = golden(type);
        assertValid(type, JSON.readTree(golden));

        RelinkEvent read = EventCodec.read(type.ceType(), golden);
        assertInstanceOf(type.payloadType(), read);
        assertEquals(JSON.readTree(golden), JSON.readTree(EventCodec.write(read)),
                "a golden " + type.ceType() + " must survive a read and a write unchanged");
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void unknownFieldsAreIgnoredOnRead(EventType type) throws IOException {
        ObjectNode withExtras = (ObjectNode) JSON.readTree(golden(type));
        withExtras.put("addedInALaterRelease", "ignored");
        withExtras.putObject("nested").put("deep", 1);

        RelinkEvent read = EventCodec.read(type.ceType(), JSON.writeValueAsBytes(withExtras));
        assertEquals(EventCodec.read(type.ceType(), golden(type)), read);
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void payloadWithoutItsAccountIdIsMalformed(EventType type) throws IOException {
        ObjectNode payload = (ObjectNode) JSON.readTree(golden(type));
        payload.remove("accountId");
        MalformedEventException e = assertThrows(MalformedEventException.class,
                () -> EventCodec.read(type.ceType(), JSON.writeValueAsBytes(payload)));
        assertTrue(e.getMessage().contains("accountId"), e.getMessage());
    }

    @Test
    void wrongTypeOrUnknownEventTypeOrGarbageIsMalformed() throws IOException {
        ObjectNode notified = (ObjectNode) JSON.readTree(golden(EventType.ACCOUNT_NOTIFIED));
        notified.put("attempt", "second");
        assertThrows(MalformedEventException.class,
                () -> EventCodec.read(EventType.ACCOUNT_NOTIFIED.ceType(), JSON.writeValueAsBytes(notified)));
        assertThrows(MalformedEventException.class,
                () -> EventCodec.read("io.relink.account.exploded.v1", golden(EventType.ACCOUNT_DETECTED)));
        assertThrows(MalformedEventException.class,
                () -> EventCodec.read(EventType.ACCOUNT_DETECTED.ceType(), "{not json".getBytes(StandardCharsets.UTF_8)));
        assertThrows(MalformedEventException.class, () -> EventCodec.read(EventType.ACCOUNT_DETECTED.ceType(), new byte[0]));
    }

    @Test
    void aDetectedAccountWhoseEmailIsNotOnePlainAddressIsMalformed() throws IOException {
        for (String address : List.of("Jane Doe <jane@contoso.example>", "jane@contoso.example, sam@contoso.example",
                "jane@contoso.example\r\nBcc: all@contoso.example", "jane@contoso.example ", "jane", "@contoso.example",
                "jane@contoso", "jane..doe@contoso.example", "\"jane doe\"@contoso.example")) {
            ObjectNode detected = (ObjectNode) JSON.readTree(golden(EventType.ACCOUNT_DETECTED));
            detected.put("email", address);
            MalformedEventException e = assertThrows(MalformedEventException.class,
                    () -> EventCodec.read(EventType.ACCOUNT_DETECTED.ceType(), JSON.writeValueAsBytes(detected)), address);
            assertTrue(e.getMessage().contains("email"), e.getMessage());
        }
        for (String address : List.of("jane.doe@contoso.example", "o'brien+relink@mail.contoso.co.uk", "J_D-1@x-y.example")) {
            assertTrue(EmailAddresses.isPlain(address), address);
        }
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void kafkaSerdesCarryTheEventAndItsCloudEventsHeaders(EventType type) {
        RelinkEvent event = sample(type);
        RecordHeaders headers = new RecordHeaders();
        CloudEventHeaders.write(headers, event, "/relink/test");
        byte[] bytes = new EventSerializer().serialize(type.topic(), headers, event);

        assertEquals(event, new EventDeserializer().deserialize(type.topic(), headers, bytes));
        assertEquals(type.ceType(), CloudEventHeaders.read(headers, CloudEventHeaders.TYPE));
        assertEquals(event.eventId().toString(), CloudEventHeaders.read(headers, CloudEventHeaders.ID));
        assertEquals("acc-1", CloudEventHeaders.read(headers, CloudEventHeaders.SUBJECT));
        assertEquals("2026-11-28T10:15:30.123Z", CloudEventHeaders.read(headers, CloudEventHeaders.TIME));
        assertEquals("1.0", CloudEventHeaders.read(headers, CloudEventHeaders.SPEC_VERSION));
        assertThrows(MalformedEventException.class,
                () -> new EventDeserializer().deserialize(type.topic(), new RecordHeaders(), bytes));
    }

    /**
     * The fields v3 added to v1 events: the payloads of a v3 deployment validate, read and write back unchanged, the
     * v2 payloads above still do (the new fields are absent from them, not null), and a consumer of before sees the
     * same event with the new fields ignored.
     */
    @ParameterizedTest
    @EnumSource(value = EventType.class, names = { "ACCOUNT_DETECTED", "ACCOUNT_MIGRATED", "ACCOUNT_RESOLVED" })
    void v3PayloadsCarryTheirAddedFieldsCompatibly(EventType type) throws IOException {
        byte[] golden = resource("/golden/v3/" + type.schemaResource().substring(type.schemaResource().lastIndexOf('/') + 1));
        assertValid(type, JSON.readTree(golden));
        RelinkEvent read = EventCodec.read(type.ceType(), golden);
        assertEquals(JSON.readTree(golden), JSON.readTree(EventCodec.write(read)));
        JsonNode v2 = JSON.readTree(EventCodec.write(EventCodec.read(type.ceType(), golden(type))));
        assertTrue(!v2.has("v2AccountId") && !v2.has("grantStatus") && !v2.has("previousProvider") && !v2.has("webhookId"), "absent, not null: " + v2);
        if (read instanceof AccountDetected detected) {
            assertEquals("valid", detected.grantStatus());
            assertEquals("5tgncdmczat02216u7d6uypyi", detected.v2AccountId());
        } else if (read instanceof AccountResolved resolved) {
            assertEquals("5f1e9c2a-8b7d-4c3e-a1f0-d9e8c7b6a543", resolved.webhookId());
            assertEquals(null, resolved.scanId(), "a webhook, not a scan, resolved it");
        } else if (read instanceof AccountMigrated migrated) {
            assertEquals("ews", migrated.previousProvider());
            assertEquals("microsoft", migrated.provider());
        }
    }

    /** A detection or resolution names what found it: a scan or a webhook, never both, never neither. */
    @ParameterizedTest
    @EnumSource(value = EventType.class, names = { "ACCOUNT_DETECTED", "ACCOUNT_RESOLVED" })
    void exactlyOneOfScanIdAndWebhookIdIsMalformedOtherwise(EventType type) throws IOException {
        ObjectNode neither = (ObjectNode) JSON.readTree(golden(type));
        neither.remove("scanId");
        assertThrows(MalformedEventException.class, () -> EventCodec.read(type.ceType(), JSON.writeValueAsBytes(neither)));
        ObjectNode both = (ObjectNode) JSON.readTree(golden(type));
        both.put("webhookId", "w-1");
        assertThrows(MalformedEventException.class, () -> EventCodec.read(type.ceType(), JSON.writeValueAsBytes(both)));
        assertTrue(!schema(type).validate(both).isEmpty() && !schema(type).validate(neither).isEmpty(), "the schema says so too");
    }

    @Test
    void migratedEventNeverCarriesATokenOrCode() {
        Set<String> fields = Arrays.stream(AccountMigrated.class.getRecordComponents()).map(c -> c.getName().toLowerCase())
                .collect(Collectors.toSet());
        assertTrue(fields.stream().noneMatch(f -> f.contains("token") || f.contains("code") || f.contains("secret")), fields.toString());
    }

    private static void assertValid(EventType type, JsonNode payload) {
        Set<ValidationMessage> errors = schema(type).validate(payload);
        assertTrue(errors.isEmpty(), type.ceType() + ": " + errors);
    }

    private static JsonSchema schema(EventType type) {
        try (InputStream in = EventType.class.getResourceAsStream(type.schemaResource())) {
            SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in, config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] golden(EventType type) {
        return resource("/golden/" + type.schemaResource().substring(type.schemaResource().lastIndexOf('/') + 1));
    }

    private static byte[] resource(String name) {
        try (InputStream in = ContractTest.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("missing golden file " + name, e);
        }
    }
}
