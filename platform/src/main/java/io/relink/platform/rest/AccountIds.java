package io.relink.platform.rest;

import java.util.regex.Pattern;

/** Nylas account ids as the APIs accept them: letters, digits, '-' and '_'; anything else is refused, not looked up. */
public final class AccountIds {
    private static final Pattern ACCOUNT_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private AccountIds() {
    }

    /** Returns {@code value} if it can be an account id; otherwise a 400 that says what one looks like. */
    public static String require(String parameter, String value) {
        if (value == null || !ACCOUNT_ID.matcher(value).matches()) {
            throw new InvalidRequestException(parameter + " must be a Nylas account id (1 to 64 letters, digits, '-' or '_')");
        }
        return value;
    }
}
