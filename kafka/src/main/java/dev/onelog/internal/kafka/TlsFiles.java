package dev.onelog.internal.kafka;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server's TLS context from two PEM files: a certificate chain (the server's certificate first)
 * and its unencrypted PKCS#8 private key ({@code -----BEGIN PRIVATE KEY-----}, what {@code openssl
 * req -nodes} and {@code openssl pkcs8 -topk8 -nocrypt} write). Reads and checks both at once, so
 * that a wrong file is reported when the server is configured, not at a client's first handshake:
 * an unreadable file, a file without the PEM block, or a key that does not belong to the
 * certificate (checked by signing with the key and verifying with the certificate's public key).
 * Uses the JDK's TLS. Stateless.
 */
public final class TlsFiles {
  private static final Pattern KEY =
      Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

  private TlsFiles() {}

  /**
   * The server context of {@code certificatePem} and {@code privateKeyPem}.
   *
   * @throws IllegalArgumentException naming the file and what is wrong with it
   */
  public static SslContext serverContext(Path certificatePem, Path privateKeyPem) {
    List<X509Certificate> chain = certificates(certificatePem);
    PrivateKey key = privateKey(privateKeyPem);
    checkPair(chain.get(0), key, certificatePem, privateKeyPem);
    try {
      return SslContextBuilder.forServer(key, chain.toArray(X509Certificate[]::new))
          .sslProvider(SslProvider.JDK)
          .build();
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          "TLS certificate " + certificatePem + " and key " + privateKeyPem + ": " + e.getMessage(),
          e);
    }
  }

  private static List<X509Certificate> certificates(Path pem) {
    try (InputStream in = Files.newInputStream(pem)) {
      List<X509Certificate> chain =
          CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
              .map(X509Certificate.class::cast)
              .toList();
      if (chain.isEmpty()) {
        throw new IllegalArgumentException(
            "TLS certificate "
                + pem
                + " holds no certificate; give a PEM file with"
                + " -----BEGIN CERTIFICATE-----");
      }
      return chain;
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read TLS certificate " + pem + ": " + why(e), e);
    } catch (CertificateException e) {
      throw new IllegalArgumentException(
          "TLS certificate "
              + pem
              + " is not a PEM certificate: give the file that starts with"
              + " -----BEGIN CERTIFICATE-----",
          e);
    }
  }

  private static PrivateKey privateKey(Path pem) {
    String text;
    try {
      text = Files.readString(pem, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read TLS private key " + pem + ": " + why(e), e);
    }
    Matcher block = KEY.matcher(text);
    if (!block.find()) {
      throw new IllegalArgumentException(
          "TLS private key "
              + pem
              + " has no unencrypted PKCS#8 key (-----BEGIN PRIVATE KEY-----); convert one with"
              + " 'openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8'");
    }
    byte[] der = Base64.getMimeDecoder().decode(block.group(1));
    for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException notThisOne) {
        // try the next algorithm
      }
    }
    throw new IllegalArgumentException(
        "TLS private key " + pem + " is not an RSA, EC or EdDSA PKCS#8 key");
  }

  /** What went wrong reading a file, in words: "no such file", not the exception's class. */
  private static String why(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    return e.getMessage();
  }

  private static void checkPair(
      X509Certificate certificate, PrivateKey key, Path certificatePem, Path privateKeyPem) {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          default -> key.getAlgorithm(); // Ed25519, Ed448
        };
    byte[] probe = "onelog".getBytes(StandardCharsets.US_ASCII);
    boolean matches;
    try {
      Signature sign = Signature.getInstance(algorithm);
      sign.initSign(key);
      sign.update(probe);
      byte[] signature = sign.sign();
      Signature verify = Signature.getInstance(algorithm);
      verify.initVerify(certificate.getPublicKey());
      verify.update(probe);
      matches = verify.verify(signature);
    } catch (GeneralSecurityException e) {
      matches = false;
    }
    if (!matches) {
      throw new IllegalArgumentException(
          "TLS private key "
              + privateKeyPem
              + " does not belong to the certificate in "
              + certificatePem
              + " ("
              + certificate.getSubjectX500Principal()
              + "); give the key the certificate was made for");
    }
  }
}
