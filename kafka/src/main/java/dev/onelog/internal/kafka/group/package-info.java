/**
 * The coordinator of wire consumer groups (Kafka's classic group protocol), kept in memory by the
 * Kafka server: {@link dev.onelog.internal.kafka.group.GroupCoordinator} holds the groups, {@link
 * dev.onelog.internal.kafka.group.ClassicGroup} one group's state machine. The groups' committed
 * offsets are not here but in the file, through {@code log.groups()}, so the library and a
 * restarted server see them.
 *
 * <p>Threads: requests run on the server's workers, deadlines on its timer; each group's state is
 * guarded by the group's monitor, and answers that wait for other members are futures completed
 * after the monitor is released.
 */
package dev.onelog.internal.kafka.group;
