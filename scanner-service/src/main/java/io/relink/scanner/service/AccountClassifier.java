package io.relink.scanner.service;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import io.relink.events.AccountResolved.Reason;
import io.relink.events.EmailAddresses;
import io.relink.nylas.NylasAccount;
import io.relink.nylas.NylasConfig;
import io.relink.nylas.NylasConfig.Api;
import io.relink.scanner.config.ScanConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Decides what an account from the API means for the migration. On v2, a password account of a migrating provider
 * must move to OAuth. On v3, every grant on a migrating connector ({@code ews}) must move to {@code microsoft}: an
 * {@code ews} grant is connected with a password by nature. Whether its mailbox is in Exchange Online (it must move) or
 * on an Exchange server of the customer's own (it must be left alone) is the tenant classification's to say, in the
 * notifier, before anyone is emailed.
 */
@ApplicationScoped
public class AccountClassifier {
    public enum Verdict {
        /** Active and of a migrating provider (v2: with a password): its user must re-authenticate. */
        AFFECTED,
        /**
         * Listed for operators, not emailed: a v2 migrating provider without authentication_type (cannot tell), or an
         * account whose email is not one plain address (see {@link #unknownReason}).
         */
        UNKNOWN,
        /** Nothing to do for it (if it was detected before, it is now resolved). */
        NOT_AFFECTED
    }

    private static final List<String> V2_PROVIDERS = List.of("eas", "ews");
    private static final List<String> V3_CONNECTORS = List.of("ews");

    private final Api api;
    private final Set<String> providers;

    @Inject
    public AccountClassifier(ScanConfig config, NylasConfig nylas) {
        this(nylas.api(), config.providers().orElse(nylas.api() == Api.V3 ? V3_CONNECTORS : V2_PROVIDERS));
    }

    AccountClassifier(Api api, Collection<String> migratingProviders) {
        this.api = api;
        this.providers = migratingProviders.stream().map(p -> p.trim().toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    }

    /** The one connector the v3 listing is filtered to, when one migrates; v2's listing has no filter. */
    public Optional<String> listingFilter() {
        return api == Api.V3 && providers.size() == 1 ? Optional.of(providers.iterator().next()) : Optional.empty();
    }

    public Verdict verdict(NylasAccount account) {
        if (resolution(account).isPresent()) {
            return Verdict.NOT_AFFECTED;
        }
        return unknownReason(account) == null ? Verdict.AFFECTED : Verdict.UNKNOWN;
    }

    /** Why an account that may need migrating cannot be emailed, or null when it can. */
    public String unknownReason(NylasAccount account) {
        if (api == Api.V2 && account.authenticationType() == null) {
            return "NO_AUTHENTICATION_TYPE";
        }
        // A display name, a list or CR/LF in the address would reach the SMTP envelope: an operator looks first.
        return EmailAddresses.isPlain(account.email()) ? null : "EMAIL_NOT_PLAIN";
    }

    public boolean isMigratingProvider(NylasAccount account) {
        return providers.contains(lower(account.provider()));
    }

    /** Why the account needs no migration, or empty if it does (or might: an unknown authentication type). */
    public Optional<Reason> resolution(NylasAccount account) {
        boolean migratingProvider = providers.contains(lower(account.provider()));
        if (api == Api.V3) {
            // A grant has no billing state: a grant that is gone is no longer listed, and resolved as gone.
            return migratingProvider ? Optional.empty() : Optional.of(Reason.NOW_OAUTH);
        }
        String billing = lower(account.billingState());
        if ("cancelled".equals(billing)) {
            return Optional.of(Reason.CANCELLED);
        }
        if ("deleted".equals(billing)) {
            return Optional.of(Reason.DELETED);
        }
        String auth = lower(account.authenticationType());
        if (auth == null) {
            // A missing value is unknown, never password; outside the migrating providers it is not ours.
            return migratingProvider ? Optional.empty() : Optional.of(Reason.NOW_OAUTH);
        }
        return migratingProvider && "password".equals(auth) ? Optional.empty() : Optional.of(Reason.NOW_OAUTH);
    }

    private static String lower(String value) {
        return value == null ? null : value.toLowerCase(Locale.ROOT);
    }
}
