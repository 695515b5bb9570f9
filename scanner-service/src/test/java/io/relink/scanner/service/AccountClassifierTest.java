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
import io.relink.nylas.NylasConfig.Api;
import io.relink.scanner.service.AccountClassifier.Verdict;

/** What each kind of Nylas account (v2) or grant (v3) means for the migration, with each version's default providers. */
@Tag("unit")
class AccountClassifierTest {
    private final AccountClassifier classifier = new AccountClassifier(Api.V2, List.of("eas", " EWS "));

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

    /**
     * v3: every grant on ews migrates, valid or invalid, whatever its v2 past; a microsoft grant does not; there is no
     * authentication type to be unknown, only an address that is not one plain address.
     */
    @ParameterizedTest(name = "{0}/{1}/{2} is {3}")
    @CsvSource(nullValues = "null", value = {
            "ews,       valid,   user@contoso.example,        AFFECTED",
            "ews,       invalid, user@contoso.example,        AFFECTED",
            "EWS,       valid,   user@contoso.example,        AFFECTED",
            "microsoft, valid,   user@contoso.example,        NOT_AFFECTED",
            "imap,      invalid, user@contoso.example,        NOT_AFFECTED",
            "ews,       valid,   'Ann <ann@contoso.example>', UNKNOWN",
            "ews,       valid,   null,                        UNKNOWN",
    })
    void v3Verdict(String connector, String grantStatus, String email, Verdict verdict) {
        AccountClassifier v3 = new AccountClassifier(Api.V3, List.of("ews"));
        NylasAccount grant = NylasAccount.grant("4f0c1e2a-0000-4000-8000-000000000001", email, connector, grantStatus, "v2-id");
        assertEquals(verdict, v3.verdict(grant));
        assertEquals(verdict == Verdict.NOT_AFFECTED ? Optional.of(Reason.NOW_OAUTH) : Optional.empty(), v3.resolution(grant));
        assertEquals(Optional.of("ews"), v3.listingFilter(), "one connector: the listing is filtered to it");
        assertEquals(Optional.empty(), new AccountClassifier(Api.V3, List.of("ews", "imap")).listingFilter());
        assertEquals(Optional.empty(), classifier.listingFilter(), "v2 lists every account");
    }
}
