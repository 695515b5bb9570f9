package io.relink.scanner.service;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import io.relink.events.AccountResolved.Reason;
import io.relink.events.EmailAddresses;
import io.relink.nylas.NylasAccount;
import io.relink.scanner.config.ScanConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Decides what an account from the API means for the migration. */
@ApplicationScoped
public class AccountClassifier {
    public enum Verdict {
        /** A password account of a migrating provider, active: its user must re-authenticate. */
        AFFECTED,
        /**
         * Listed for operators, not emailed: a migrating provider without authentication_type (cannot tell), or a
         * password account whose email is not one plain address (see {@link #unknownReason}).
         */
        UNKNOWN,
        /** Nothing to do for it (if it was detected before, it is now resolved). */
        NOT_AFFECTED
    }

    private final Set<String> providers;

    @Inject
    public AccountClassifier(ScanConfig config) {
        this(config.providers());
    }

    AccountClassifier(Collection<String> migratingProviders) {
        this.providers = migratingProviders.stream().map(p -> p.trim().toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    }

    public Verdict verdict(NylasAccount account) {
        if (resolution(account).isPresent()) {
            return Verdict.NOT_AFFECTED;
        }
        return unknownReason(account) == null ? Verdict.AFFECTED : Verdict.UNKNOWN;
    }

    /** Why an account that may need migrating cannot be emailed, or null when it can. */
    public String unknownReason(NylasAccount account) {
        if (account.authenticationType() == null) {
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
        String billing = lower(account.billingState());
        if ("cancelled".equals(billing)) {
            return Optional.of(Reason.CANCELLED);
        }
        if ("deleted".equals(billing)) {
            return Optional.of(Reason.DELETED);
        }
        String auth = lower(account.authenticationType());
        boolean migratingProvider = providers.contains(lower(account.provider()));
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
