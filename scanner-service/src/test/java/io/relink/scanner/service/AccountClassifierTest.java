package io.relink.scanner.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.relink.events.AccountResolved.Reason;
import io.relink.nylas.NylasAccount;
import io.relink.scanner.service.AccountClassifier.Verdict;

/** What each kind of Nylas account means for the migration, with the default providers eas and ews. */
@Tag("unit")
class AccountClassifierTest {
    private final AccountClassifier classifier = new AccountClassifier(List.of("eas", " EWS "));

    @ParameterizedTest(name = "{0}/{1}/{2}/{3} is {4}")
    @CsvSource(nullValues = "null", value = {
            "eas,     password, paid,      user@contoso.example,          AFFECTED,     null",
            "EWS,     PASSWORD, paid,      user@contoso.example,          AFFECTED,     null",
            "eas,     oauth,    paid,      user@contoso.example,          NOT_AFFECTED, NOW_OAUTH",
            "eas,     password, cancelled, user@contoso.example,          NOT_AFFECTED, CANCELLED",
            "ews,     password, deleted,   user@contoso.example,          NOT_AFFECTED, DELETED",
            "gmail,   password, paid,      user@contoso.example,          NOT_AFFECTED, NOW_OAUTH",
            "gmail,   null,     paid,      user@contoso.example,          NOT_AFFECTED, NOW_OAUTH",
            "eas,     null,     paid,      user@contoso.example,          UNKNOWN,      null",
            "eas,     password, paid,      'Ann <ann@contoso.example>',   UNKNOWN,      null",
    })
    void verdict(String provider, String authenticationType, String billing, String email, Verdict verdict, Reason resolution) {
        NylasAccount account = new NylasAccount("a1", email, provider, "running", billing, authenticationType);
        assertEquals(verdict, classifier.verdict(account));
        assertEquals(Optional.ofNullable(resolution), classifier.resolution(account));
    }

    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {
            "null,     user@contoso.example,                      NO_AUTHENTICATION_TYPE",
            "password, 'user@contoso.example, boss@contoso.example', EMAIL_NOT_PLAIN",
            "password, user@contoso.example,                      null" })
    void unknownReason(String authenticationType, String email, String reason) {
        assertEquals(reason, classifier.unknownReason(new NylasAccount("a1", email, "eas", "running", "paid", authenticationType)));
    }

    @ParameterizedTest
    @CsvSource({ "imap", "gmail" })
    void onlyTheMigratingProvidersAreRegistered(String provider) {
        assertFalse(classifier.isMigratingProvider(new NylasAccount("a1", "u@x.example", provider, "running", "paid", "password")));
        assertNull(classifier.unknownReason(new NylasAccount("a1", "u@x.example", provider, "running", "paid", "password")));
    }
}
