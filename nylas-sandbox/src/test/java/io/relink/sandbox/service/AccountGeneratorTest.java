package io.relink.sandbox.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class AccountGeneratorTest {
    private final AccountGenerator generator = new AccountGenerator(42);

    @Test
    void sameSeedAndIndexGiveTheSameAccountAndOtherSeedsOthers() {
        assertEquals(generator.generate(123_456), new AccountGenerator(42).generate(123_456));
        assertNotEquals(generator.generate(123_456).id(), new AccountGenerator(43).generate(123_456).id());
    }

    @Test
    void idsAreUniqueTwentyFiveCharactersAndLeadBackToTheirIndex() {
        Set<String> ids = new HashSet<>();
        for (long i = 0; i < 200_000; i++) {
            String id = generator.id(i);
            assertEquals(25, id.length());
            assertTrue(id.matches("[0-9a-z]{25}"), id);
            assertTrue(ids.add(id), "duplicate id at " + i);
            if (i % 997 == 0) {
                assertEquals(OptionalLong.of(i), generator.indexOfId(id));
            }
        }
        assertEquals(OptionalLong.of(5_000_000_000L), generator.indexOfId(generator.id(5_000_000_000L)));
        assertTrue(generator.indexOfId("zzzzzzzzzzzzzzzzzzzzzzzzz").isEmpty());
        assertTrue(new AccountGenerator(7).indexOfId(generator.id(5)).isEmpty(), "another seed's id is not ours");
    }

    @Test
    void emailsNameTheirIndex() {
        Account account = generator.generate(98_765);
        assertEquals(OptionalLong.of(98_765), AccountGenerator.indexInEmail(account.email()));
    }

    @Test
    void aboutOneInSixAccountsIsAnActivePasswordExchangeAccount() {
        Map<String, Integer> providers = new HashMap<>();
        int affected = 0;
        for (long i = 0; i < 100_000; i++) {
            Account a = generator.generate(i);
            providers.merge(a.provider(), 1, Integer::sum);
            if (a.isPasswordExchange() && a.isActive()) {
                affected++;
            }
        }
        // eas+ews are 22%, three quarters of them password, nine in ten paid: about 14.9%.
        assertTrue(affected > 14_000 && affected < 15_800, "affected: " + affected);
        assertTrue(providers.get("gmail") > 24_000 && providers.get("gmail") < 26_000, providers.toString());
    }
}
