/**
 * SASL for the Kafka server: the users kept in the file ({@link UserTable}, docs/FORMAT.md section
 * 16) and the mechanisms that check them ({@link Mechanisms}: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512,
 * with kafka-clients' own SASL servers). The per-connection exchange (KIP-152: SaslHandshake, then
 * SaslAuthenticate frames) is {@code internal.kafka.SaslAuthenticator}.
 *
 * <p>Passwords are never stored: each user has one SCRAM credential per SCRAM mechanism (salt,
 * stored key, server key, iterations; RFC 5802), and PLAIN checks a password by deriving the
 * SCRAM-SHA-512 stored key from it and comparing.
 */
package dev.onelog.internal.kafka.sasl;
