package io.relink.events;

import java.util.regex.Pattern;

/**
 * Which addresses Relink emails: a plain addr-spec only ({@code local@domain}, RFC 5322 dot-atoms, a domain of
 * DNS labels). No display name, no list, no quoted local part, no whitespace or CR/LF: such a value in an account's
 * email is listed for operators rather than handed to an SMTP server, where it could name other recipients or
 * inject headers.
 */
public final class EmailAddresses {
    private static final String ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
    private static final String LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
    private static final Pattern PLAIN = Pattern.compile(ATOM + "(?:\\." + ATOM + ")*@" + LABEL + "(?:\\." + LABEL + ")+");
    /** RFC 5321's limit on a path, less its angle brackets. */
    private static final int MAX_LENGTH = 254;

    private EmailAddresses() {
    }

    /** Whether {@code address} is one plain addr-spec that can be emailed as it is. */
    public static boolean isPlain(String address) {
        return address != null && address.length() <= MAX_LENGTH && address.indexOf('@') <= 64 && PLAIN.matcher(address).matches();
    }
}
