package io.relink.platform.brand;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Whether a brand can be shown as configured; services check it at start and do not start with a wrong one. */
public final class BrandCheck {
    private static final Pattern COLOUR = Pattern.compile("#[0-9a-fA-F]{6}");

    private BrandCheck() {
    }

    /**
     * Throws, naming each setting and its environment variable, when the brand is unusable; {@code supportRequired}
     * where every message must say whom to ask (the emails).
     */
    public static void check(BrandConfig brand, boolean supportRequired) {
        List<String> problems = new ArrayList<>();
        if (!COLOUR.matcher(brand.accentColor()).matches()) {
            problems.add("relink.brand.accent-color (RELINK_BRAND_ACCENT_COLOR) must be a colour as #rrggbb, not '" + brand.accentColor() + "'");
        }
        brand.logoUrl().ifPresent(url -> {
            URI uri;
            try {
                uri = URI.create(url);
            } catch (IllegalArgumentException e) {
                uri = null;
            }
            if (uri == null || !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                problems.add("relink.brand.logo-url (RELINK_BRAND_LOGO_URL) must be an https URL");
            }
        });
        if (supportRequired && brand.supportContact().filter(s -> !s.isBlank()).isEmpty()) {
            problems.add("relink.brand.support-contact (RELINK_BRAND_SUPPORT_CONTACT) must be set: every email says whom users can ask");
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("The brand settings are wrong: " + String.join("; ", problems));
        }
    }
}
