package io.relink.scanner.model;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import org.hibernate.annotations.DynamicUpdate;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One scan: its progress, counters and checkpoint, updated with every accepted page. */
@Entity
@Table(name = "scan")
// Only changed columns are written: the retry counter and the heartbeat are updated beside the page batches.
@DynamicUpdate
public class Scan extends PanacheEntityBase {
    public enum Status {
        RUNNING,
        COMPLETED,
        /** A page could not be read, or another error stopped it: the result is not complete. */
        FAILED,
        /** The account list changed faster than the scan could follow: the result is not complete. */
        INCOMPLETE
    }

    @Id
    public UUID id;
    @Enumerated(EnumType.STRING)
    public Status status;
    public String trigger;
    @Column(name = "started_at")
    public Instant startedAt;
    @Column(name = "finished_at")
    public Instant finishedAt;
    @Column(name = "heartbeat_at")
    public Instant heartbeatAt;
    public String owner;
    @Column(name = "page_size")
    public int pageSize;
    @Column(name = "pages_read")
    public long pagesRead;
    @Column(name = "accounts_seen")
    public long accountsSeen;
    public long affected;
    public long unknown;
    @Column(name = "newly_detected")
    public long newlyDetected;
    public long resolved;
    public long retries;
    public int resumed;
    @Column(name = "failure_reason")
    public String failureReason;
    @Column(name = "checkpoint_offset")
    public Long checkpointOffset;
    @Column(name = "checkpoint_ids")
    public String checkpointIds;

    public List<String> checkpointIdList() {
        return checkpointIds == null || checkpointIds.isEmpty() ? List.of() : Arrays.asList(checkpointIds.split(","));
    }
}
