/**
 * {@code onelog serve}: an open log as a one-node Kafka broker, so that any Kafka client uses the
 * file over the network while embedded code keeps using it directly. {@link
 * dev.onelog.kafka.KafkaServer} is the whole public API; the protocol work lives in {@code
 * dev.onelog.internal.kafka}.
 */
package dev.onelog.kafka;
