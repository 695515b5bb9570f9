package io.relink.reauth.service;

import java.util.List;

import org.jboss.logging.Logger;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.relink.reauth.model.Migration;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

/**
 * The last step of a token key rotation: every stored token sealed with another key than the active one is opened
 * and sealed again with the active key, a batch per transaction (rows locked, so two runs cannot interleave). After
 * it, the old key can be removed from the configuration.
 */
@ApplicationScoped
public class TokenReseal {
    private static final Logger LOG = Logger.getLogger(TokenReseal.class);
    private static final int BATCH = 200;

    private final TokenCipher cipher;

    public TokenReseal(TokenCipher cipher) {
        this.cipher = cipher;
    }

    /** Reseals every token not under the active key; returns how many. */
    public long resealAll() {
        long total = 0;
        int resealed;
        do {
            resealed = QuarkusTransaction.requiringNew().call(() -> {
                List<Migration> batch = Migration.<Migration>find("tokenCiphertext is not null and tokenKeyId <> ?1", cipher.activeKeyId())
                        .withLock(LockModeType.PESSIMISTIC_WRITE).page(0, BATCH).list();
                for (Migration m : batch) {
                    TokenCipher.Sealed sealed = cipher.seal(m.accountId, cipher.open(m.accountId, m.tokenKeyId, m.tokenCiphertext));
                    m.tokenCiphertext = sealed.bytes();
                    m.tokenKeyId = sealed.keyId();
                }
                return batch.size();
            });
            total += resealed;
        } while (resealed == BATCH);
        LOG.infof("resealed %d stored tokens under token key %s", total, cipher.activeKeyId());
        return total;
    }

    /** Stored tokens sealed with another key than the active one. */
    public long notUnderActiveKey() {
        return QuarkusTransaction.requiringNew().call(() -> Migration.count("tokenCiphertext is not null and tokenKeyId <> ?1", cipher.activeKeyId()));
    }
}
