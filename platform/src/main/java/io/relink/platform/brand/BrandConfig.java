package io.relink.platform.brand;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The customer's brand, set once ({@code relink.brand.*}) for the emails (notifier) and the pages (reauth): users see
 * whose product asks them to act, in its colours, and whom to ask.
 */
@ConfigMapping(prefix = "relink.brand")
public interface BrandConfig {
    /** The product the user connected their mailbox to. */
    @WithDefault("your account")
    String productName();

    /** The From name of the emails. */
    @WithDefault("Relink")
    String senderName();

    /**
     * An https URL of the product's logo (PNG, JPEG, GIF, WebP or SVG, at most 256 KB). The emails show it from there;
     * the pages show a copy that reauth fetches and serves itself, since they load nothing from third parties.
     */
    Optional<String> logoUrl();

    /** The colour of buttons and headings, {@code #rrggbb}. */
    @WithDefault("#2563eb")
    String accentColor();

    /** Where users can ask whether the email is genuine: an address or a URL, named in every email and page. */
    Optional<String> supportContact();

    /** A last line for every email and page, such as the company's name and address. */
    Optional<String> footer();
}
