package dev.onelog.internal.kafka;

import dev.onelog.internal.kafka.sasl.Mechanisms;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.util.concurrent.Executor;
import javax.security.sasl.SaslException;
import javax.security.sasl.SaslServer;
import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.message.SaslHandshakeResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.SaslAuthenticateRequest;
import org.apache.kafka.common.requests.SaslAuthenticateResponse;
import org.apache.kafka.common.requests.SaslHandshakeRequest;
import org.apache.kafka.common.requests.SaslHandshakeResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates one connection before any request reaches {@link Connection}, as Kafka's broker
 * does (KIP-152): the client may ask ApiVersions, then names a mechanism in SaslHandshake (v1) and
 * sends the mechanism's tokens in SaslAuthenticate frames. Once the mechanism completes, this
 * handler leaves the pipeline and every request goes on to {@link Connection}.
 *
 * <pre>
 * HANDSHAKE    --ApiVersions-->             HANDSHAKE     (answered here, from {@link Apis})
 * HANDSHAKE    --SaslHandshake(offered)-->  AUTHENTICATE
 * HANDSHAKE    --SaslHandshake(other)-->    closed        (UNSUPPORTED_SASL_MECHANISM, the offered ones)
 * HANDSHAKE    --SaslHandshake v0-->        closed        (UNSUPPORTED_VERSION: v0 sends unframed tokens)
 * AUTHENTICATE --SaslAuthenticate-->        AUTHENTICATE  (a challenge; the mechanism is not complete)
 * AUTHENTICATE --SaslAuthenticate-->        removed       (complete: the client is authenticated)
 * AUTHENTICATE --SaslAuthenticate-->        closed        (SASL_AUTHENTICATION_FAILED with the reason)
 * any          --anything else-->           closed        (there is no response an unauthenticated client may get)
 * </pre>
 *
 * <p>Sessions never expire: SaslAuthenticate answers a session lifetime of 0, so clients do not
 * re-authenticate (KIP-368).
 *
 * <p>Fields are confined to the channel's event loop. The mechanism's step runs on a worker (it
 * reads the user's credential from the file) while the connection stops reading; a client that
 * sends another request before the answer is closed, as Kafka's clients never do that.
 */
final class SaslAuthenticator extends SimpleChannelInboundHandler<Request> {
  private static final Logger log = LoggerFactory.getLogger(SaslAuthenticator.class);

  private final Apis apis;
  private final Mechanisms mechanisms;
  private final Executor workers;

  /** The mechanism's server, after the handshake; null before. */
  private SaslServer server;

  /** Whether a mechanism step runs on a worker. */
  private boolean busy;

  SaslAuthenticator(Apis apis, Mechanisms mechanisms, Executor workers) {
    this.apis = apis;
    this.mechanisms = mechanisms;
    this.workers = workers;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, Request request) {
    ApiKeys api = request.header().apiKey();
    if (busy) {
      refuse(ctx, request, "sent while its SaslAuthenticate was being answered");
    } else if (api == ApiKeys.API_VERSIONS && server == null) {
      // Completes at once: the versions are in memory.
      apis.answer(request).thenAccept(response -> write(ctx, request, response));
    } else if (api == ApiKeys.SASL_HANDSHAKE && request.header().apiVersion() < 1) {
      // v0 would send the tokens without SaslAuthenticate frames, which this server does not read.
      ctx.writeAndFlush(
              new Response(
                  request.header(),
                  request.body().getErrorResponse(0, Errors.UNSUPPORTED_VERSION.exception())))
          .addListener(ChannelFutureListener.CLOSE);
    } else if (api == ApiKeys.SASL_HANDSHAKE && server == null) {
      handshake(ctx, request, (SaslHandshakeRequest) request.body());
    } else if (api == ApiKeys.SASL_AUTHENTICATE && server != null) {
      authenticate(ctx, request, (SaslAuthenticateRequest) request.body());
    } else {
      refuse(ctx, request, server == null ? "sent before SaslHandshake" : "sent during SASL");
    }
  }

  private void handshake(ChannelHandlerContext ctx, Request request, SaslHandshakeRequest body) {
    String mechanism = body.data().mechanism();
    SaslHandshakeResponseData data =
        new SaslHandshakeResponseData().setMechanisms(Mechanisms.NAMES);
    if (!Mechanisms.NAMES.contains(mechanism)) {
      log.debug(
          "{} asked for SASL mechanism {}; closing", ctx.channel().remoteAddress(), mechanism);
      data.setErrorCode(Errors.UNSUPPORTED_SASL_MECHANISM.code());
      ctx.writeAndFlush(new Response(request.header(), new SaslHandshakeResponse(data)))
          .addListener(ChannelFutureListener.CLOSE);
      return;
    }
    server = mechanisms.newServer(mechanism);
    write(ctx, request, new SaslHandshakeResponse(data.setErrorCode(Errors.NONE.code())));
  }

  private void authenticate(
      ChannelHandlerContext ctx, Request request, SaslAuthenticateRequest body) {
    busy = true;
    ctx.channel().config().setAutoRead(false);
    byte[] token = body.data().authBytes();
    SaslServer mechanism = server;
    workers.execute(
        () -> {
          SaslAuthenticateResponseData data = new SaslAuthenticateResponseData();
          boolean failed = false;
          try {
            data.setAuthBytes(orEmpty(mechanism.evaluateResponse(token)));
          } catch (SaslException | RuntimeException e) {
            // SCRAM and PLAIN say "Authentication failed: ..." without telling which part was
            // wrong; an unknown user and a wrong password read the same.
            failed = true;
            data.setErrorCode(Errors.SASL_AUTHENTICATION_FAILED.code())
                .setErrorMessage(
                    "Authentication failed with SASL mechanism "
                        + mechanism.getMechanismName()
                        + ": "
                        + (e.getMessage() == null ? "invalid credentials" : e.getMessage())
                        + "; check the user name and password, and that the user was added with"
                        + " 'onelog users add'")
                .setAuthBytes(new byte[0]);
          }
          boolean closeAfter = failed;
          boolean complete = !failed && mechanism.isComplete();
          ctx.executor()
              .execute(
                  () ->
                      finish(
                          ctx, request, new SaslAuthenticateResponse(data), closeAfter, complete));
        });
  }

  private void finish(
      ChannelHandlerContext ctx,
      Request request,
      AbstractResponse response,
      boolean close,
      boolean complete) {
    busy = false;
    if (close) {
      log.debug("SASL authentication of {} failed; closing", ctx.channel().remoteAddress());
      ctx.writeAndFlush(new Response(request.header(), response))
          .addListener(ChannelFutureListener.CLOSE);
      return;
    }
    write(ctx, request, response);
    if (complete && ctx.channel().isActive()) {
      log.debug(
          "{} authenticated as {} with {}",
          ctx.channel().remoteAddress(),
          server.getAuthorizationID(),
          server.getMechanismName());
      ctx.pipeline().remove(this);
    }
    ctx.channel().config().setAutoRead(true);
  }

  private static void write(ChannelHandlerContext ctx, Request request, AbstractResponse response) {
    ctx.writeAndFlush(new Response(request.header(), response));
  }

  private static void refuse(ChannelHandlerContext ctx, Request request, String why) {
    log.debug(
        "closing {}: {} v{} {}",
        ctx.channel().remoteAddress(),
        request.header().apiKey(),
        request.header().apiVersion(),
        why);
    ctx.close();
  }

  private static byte[] orEmpty(byte[] bytes) {
    return bytes == null ? new byte[0] : bytes;
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (server != null) {
      try {
        server.dispose();
      } catch (SaslException e) {
        log.debug("disposing of the SASL server failed", e);
      }
    }
  }
}
