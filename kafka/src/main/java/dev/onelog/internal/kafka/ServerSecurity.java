package dev.onelog.internal.kafka;

import dev.onelog.internal.kafka.sasl.Mechanisms;
import io.netty.handler.ssl.SslContext;

/**
 * How the server protects its connections: TLS when {@code tls} is not null ({@link TlsFiles}),
 * SASL authentication before any other request when {@code sasl} is not null ({@link
 * SaslAuthenticator}). Both null: plaintext and anyone may connect.
 */
public record ServerSecurity(SslContext tls, Mechanisms sasl) {
  /** Plaintext, no authentication. */
  public static final ServerSecurity NONE = new ServerSecurity(null, null);
}
