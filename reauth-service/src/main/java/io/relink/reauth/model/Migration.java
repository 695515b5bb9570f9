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
    /** Null once purged ({@code relink.reauth.token-retention}). */
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
}
