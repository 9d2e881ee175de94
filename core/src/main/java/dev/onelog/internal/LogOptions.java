package dev.onelog.internal;

import dev.onelog.Durability;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * The settings of one open log, validated by {@link dev.onelog.OneLogBuilder}. {@code
 * maxFileSizeBytes} of 0 means no limit beyond the disk's; a {@code readOnly} log has no writer.
 */
public record LogOptions(
    Path path,
    Durability durability,
    int maxRecordSizeBytes,
    Duration busyTimeout,
    Clock clock,
    long maxFileSizeBytes,
    int maxQueuedBytes,
    boolean readOnly) {}
