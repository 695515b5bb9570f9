package io.relink.sandbox.service;

import java.util.Locale;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes account number {@code index} from a seed, the same every time, with a realistic mix of providers,
 * authentication types (missing on some), both spellings of sync states, and billing states. Ids are a keyed
 * permutation of the index and emails carry it, so an account is found by id or email without any table.
 */
final class AccountGenerator {
    private static final long M1 = 0xbf58476d1ce4e5b9L;
    private static final long M2 = 0x94d049bb133111ebL;
    private static final long M1_INVERSE = inverse(M1);
    private static final long M2_INVERSE = inverse(M2);
    private static final Pattern INDEX_IN_EMAIL = Pattern.compile("(\\d+)@");

    // Shares per 1000, close to what an application of mixed customers shows.
    private static final String[] PROVIDERS = { "eas", "ews", "exchange", "graph", "office365", "outlook", "hotmail",
            "gmail", "yahoo", "icloud", "imap", "custom", "aol" };
    private static final int[] PROVIDER_SHARES = { 120, 100, 50, 100, 120, 40, 30, 250, 40, 40, 60, 20, 30 };
    private static final String[] SYNC_STATES = { "running", "running", "running", "running", "running",
            "invalid-credentials", "invalid_credentials", "sync-error", "sync_error", "stopped", "exception",
            "partial", "downloading", "initializing", "invalid" };
    private static final String[] FIRST = { "jane", "john", "amara", "li", "sofia", "mateo", "noor", "ivan", "chloe", "kenji" };
    private static final String[] LAST = { "doe", "smith", "okafor", "wang", "rossi", "garcia", "haddad", "petrov", "martin", "sato" };
    private static final String[] DOMAINS = { "contoso.example", "fabrikam.example", "northwind.example", "litware.example",
            "tailspin.example", "wingtip.example", "proseware.example", "adventure-works.example" };

    private final long key1;
    private final long key2;

    AccountGenerator(long seed) {
        this.key1 = mix(seed ^ 0x9e3779b97f4a7c15L);
        this.key2 = mix(key1 ^ 0x632be59bd9b4e019L);
    }

    Account generate(long index) {
        long h = mix(index ^ key2);
        String provider = pick(PROVIDERS, PROVIDER_SHARES, (int) Long.remainderUnsigned(h, 1000));
        h = mix(h);
        String authenticationType = authenticationType(provider, (int) Long.remainderUnsigned(h, 100));
        h = mix(h);
        String syncState = SYNC_STATES[(int) Long.remainderUnsigned(h, SYNC_STATES.length)];
        h = mix(h);
        int billing = (int) Long.remainderUnsigned(h, 100);
        String billingState = billing < 90 ? "paid" : billing < 96 ? "cancelled" : "deleted";
        h = mix(h);
        boolean trial = Long.remainderUnsigned(h, 20) == 0;
        String namespaceId = Long.remainderUnsigned(h >>> 8, 10) < 3 ? Long.toUnsignedString(mix(h), 36) : null;
        String id = id(index);
        return new Account(id, email(index, h), provider, syncState, billingState, authenticationType, trial, namespaceId);
    }

    /** The index of a generated id, if it is one. */
    OptionalLong indexOfId(String id) {
        if (id == null || id.length() != 25) {
            return OptionalLong.empty();
        }
        try {
            long index = unpermute(Long.parseUnsignedLong(id.substring(0, 13), 36));
            return index >= 0 && id(index).equals(id) ? OptionalLong.of(index) : OptionalLong.empty();
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** The index a generated email address names (its number before the '@'), unchecked. */
    static OptionalLong indexInEmail(String email) {
        Matcher m = INDEX_IN_EMAIL.matcher(email == null ? "" : email);
        if (!m.find()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(m.group(1)));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    String id(long index) {
        long v = permute(index);
        String head = Long.toUnsignedString(v, 36);
        String tail = Long.toUnsignedString(mix(v ^ key2), 36);
        return "0".repeat(13 - head.length()) + head + (tail + "000000000000").substring(0, 12);
    }

    /**
     * The v3 grant id of account number {@code index}: a UUID-shaped id, as Nylas's grant ids are, whose first half is
     * the keyed permutation of the index and whose second half checks it, so it is found without any table.
     */
    String grantId(long index) {
        long v = permute(index);
        String hex = String.format("%016x%016x", v, mix(v ^ key1));
        return hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-" + hex.substring(16, 20) + "-" + hex.substring(20);
    }

    /** The index of a grant id made by {@link #grantId}, if it is one. */
    OptionalLong indexOfGrantId(String grantId) {
        if (grantId == null || grantId.length() != 36) {
            return OptionalLong.empty();
        }
        try {
            long index = unpermute(Long.parseUnsignedLong(grantId.replace("-", "").substring(0, 16), 16));
            return index >= 0 && grantId(index).equals(grantId) ? OptionalLong.of(index) : OptionalLong.empty();
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            return OptionalLong.empty();
        }
    }

    private static String email(long index, long h) {
        String first = FIRST[(int) Long.remainderUnsigned(h >>> 16, FIRST.length)];
        String last = LAST[(int) Long.remainderUnsigned(h >>> 24, LAST.length)];
        String domain = DOMAINS[(int) Long.remainderUnsigned(h >>> 32, DOMAINS.length)];
        return (first + "." + last + index + "@" + domain).toLowerCase(Locale.ROOT);
    }

    private static String authenticationType(String provider, int roll) {
        switch (provider) {
            case "eas", "ews", "exchange":
                return roll < 75 ? "password" : roll < 92 ? "oauth" : null;
            case "imap", "yahoo", "icloud", "aol", "custom":
                return roll < 70 ? "password" : roll < 95 ? "oauth" : null;
            default:
                return roll < 92 ? "oauth" : null;
        }
    }

    private static String pick(String[] values, int[] shares, int roll) {
        int sum = 0;
        for (int i = 0; i < values.length; i++) {
            sum += shares[i];
            if (roll < sum) {
                return values[i];
            }
        }
        return values[values.length - 1];
    }

    private long permute(long x) {
        x = (x ^ key1) * M1;
        x ^= x >>> 32;
        x *= M2;
        x ^= x >>> 32;
        return x ^ key2;
    }

    private long unpermute(long x) {
        x ^= key2;
        x ^= x >>> 32;
        x *= M2_INVERSE;
        x ^= x >>> 32;
        x *= M1_INVERSE;
        return x ^ key1;
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * M1;
        z = (z ^ (z >>> 27)) * M2;
        return z ^ (z >>> 31);
    }

    /** The multiplicative inverse of an odd number modulo 2^64 (Newton's iteration). */
    private static long inverse(long a) {
        long x = a;
        for (int i = 0; i < 5; i++) {
            x *= 2 - a * x;
        }
        return x;
    }
}
