package io.relink.platform.persistence;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.sql.Timestamp;

/** Columns of a native query's row as the PostgreSQL driver answers them, in the types the services use. */
public final class NativeColumns {
    private NativeColumns() {
    }

    /** A TIMESTAMPTZ column (an OffsetDateTime, a Timestamp or an Instant, by driver and Hibernate version); null stays null. */
    public static Instant instant(Object value) {
        if (value == null) {
            return null;
        }
        return value instanceof OffsetDateTime at ? at.toInstant() : value instanceof Timestamp t ? t.toInstant() : (Instant) value;
    }

    /** A count or other number column. */
    public static long count(Object value) {
        return ((Number) value).longValue();
    }
}
