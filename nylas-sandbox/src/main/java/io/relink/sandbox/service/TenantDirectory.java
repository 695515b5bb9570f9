package io.relink.sandbox.service;

import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Which domains Microsoft knows a tenant for, as its tenant discovery answers: by default every domain has one (the
 * accounts here are Exchange Online), except those set as on-premises; and domains whose lookups fail, as an outage
 * of the discovery endpoint would make them.
 */
@ApplicationScoped
public class TenantDirectory {
    public enum Answer {
        TENANT,
        NO_TENANT,
        UNAVAILABLE
    }

    private final Set<String> onPremises = ConcurrentHashMap.newKeySet();
    private final Set<String> unavailable = ConcurrentHashMap.newKeySet();

    public Answer lookUp(String domain) {
        String d = domain.toLowerCase(Locale.ROOT);
        if (unavailable.contains(d)) {
            return Answer.UNAVAILABLE;
        }
        return onPremises.contains(d) ? Answer.NO_TENANT : Answer.TENANT;
    }

    /** The tenant id Microsoft would report for a domain: stable per domain. */
    public String tenantId(String domain) {
        return UUID.nameUUIDFromBytes(("tenant:" + domain.toLowerCase(Locale.ROOT)).getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
    }

    public void change(Set<String> onPremisesDomains, Set<String> unavailableDomains) {
        onPremises.clear();
        unavailable.clear();
        onPremisesDomains.forEach(d -> onPremises.add(d.toLowerCase(Locale.ROOT)));
        unavailableDomains.forEach(d -> unavailable.add(d.toLowerCase(Locale.ROOT)));
    }

    public Set<String> onPremises() {
        return Set.copyOf(onPremises);
    }

    public Set<String> unavailable() {
        return Set.copyOf(unavailable);
    }

    public void reset() {
        change(Set.of(), Set.of());
    }
}
