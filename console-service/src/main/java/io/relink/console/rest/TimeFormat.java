package io.relink.console.rest;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

import io.quarkus.qute.RawString;
import io.quarkus.qute.TemplateExtension;

/**
 * How the pages show a moment: {@code {at.shown}} is a {@code <time>} element reading "2026-12-06 19:13:53 UTC", which
 * console.js turns into the reader's own time zone; the exact instant stays in its {@code datetime} attribute.
 */
@TemplateExtension
final class TimeFormat {
    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private TimeFormat() {
    }

    static RawString shown(Instant at) {
        Instant seconds = at.truncatedTo(ChronoUnit.SECONDS);
        // Both parts are digits and separators only: nothing to escape.
        return new RawString("<time datetime=\"" + seconds + "\">" + UTC.format(seconds) + "</time>");
    }
}
