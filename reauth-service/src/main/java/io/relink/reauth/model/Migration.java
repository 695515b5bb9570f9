package io.relink.reauth.model;

import java.time.Instant;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A migrated account; its access token only ever stored encrypted, and deleted after the token retention. */
@Entity
@Table(name = "migration")
public class Migration extends PanacheEntityBase {
    @Id
    @Column(name = "account_id")
    public String accountId;
    @Column(name = "new_account_id")
    public String newAccountId;
    public String email;
    public String provider;
    /** Null once purged ({@code relink.reauth.token-retention}), and for a v3 custom-auth grant, which has none. */
    @Column(name = "token_ciphertext")
    public byte[] tokenCiphertext;
    @Column(name = "token_key_id")
    public String tokenKeyId;
    @Column(name = "token_purged_at")
    public Instant tokenPurgedAt;
    @Column(name = "previous_cancelled")
    public boolean previousCancelled;
    @Column(name = "migrated_at")
    public Instant migratedAt;
    /** The old account's or grant's provider, when it was read (v3). */
    @Column(name = "previous_provider")
    public String previousProvider;
    /** v3: the v2 account id the old grant was migrated from. */
    @Column(name = "v2_account_id")
    public String v2AccountId;
    /** When the old grant is next due for deletion ({@code relink.reauth.old-grant}); null while it is kept. */
    @Column(name = "old_grant_delete_at")
    public Instant oldGrantDeleteAt;
    @Column(name = "old_grant_deleted_at")
    public Instant oldGrantDeletedAt;
    /** {@code DELETED}, or {@code ALREADY_GONE} when Nylas had no such grant any more. */
    @Column(name = "old_grant_outcome")
    public String oldGrantOutcome;
    @Column(name = "old_grant_attempts")
    public int oldGrantAttempts;
    @Column(name = "old_grant_last_error")
    public String oldGrantLastError;
}
