package dev.onelog.internal.kafka;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersionCollection;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsResponse;

/**
 * The APIs the server implements, each with the versions it answers; ApiVersions advertises exactly
 * these. A request for any other API, or another version of one, is answered with
 * UNSUPPORTED_VERSION in a well-formed response of the version it was made in.
 */
final class Apis {
  private record Entry(short minVersion, short maxVersion, Api api) {}

  private final Map<ApiKeys, Entry> entries = new EnumMap<>(ApiKeys.class);

  /**
   * Adds an API answered from {@code minVersion} to {@code maxVersion}, which must lie within what
   * kafka-clients can decode.
   */
  Apis add(ApiKeys key, int minVersion, int maxVersion, Api api) {
    if (minVersion < key.oldestVersion() || maxVersion > key.latestVersion()) {
      throw new IllegalArgumentException(
          key
              + " versions "
              + minVersion
              + "-"
              + maxVersion
              + " are outside what kafka-clients decodes: "
              + key.oldestVersion()
              + "-"
              + key.latestVersion());
    }
    entries.put(key, new Entry((short) minVersion, (short) maxVersion, api));
    return this;
  }

  /** ApiVersions itself is always there. */
  Apis() {
    add(ApiKeys.API_VERSIONS, 0, ApiKeys.API_VERSIONS.latestVersion(), this::apiVersions);
  }

  ApiVersionCollection versions() {
    ApiVersionCollection versions = new ApiVersionCollection();
    entries.forEach(
        (key, entry) ->
            versions.add(
                new ApiVersion()
                    .setApiKey(key.id)
                    .setMinVersion(entry.minVersion)
                    .setMaxVersion(entry.maxVersion)));
    return versions;
  }

  /** The answer to {@code request}, or UNSUPPORTED_VERSION when the server does not answer it. */
  CompletableFuture<AbstractResponse> answer(Request request) {
    if (request.body() == null) {
      return CompletableFuture.completedFuture(apiVersionsResponse(Errors.UNSUPPORTED_VERSION));
    }
    Entry entry = entries.get(request.header().apiKey());
    short version = request.header().apiVersion();
    if (entry == null || version < entry.minVersion || version > entry.maxVersion) {
      return CompletableFuture.completedFuture(
          request.body().getErrorResponse(0, Errors.UNSUPPORTED_VERSION.exception()));
    }
    return entry.api.answer(request);
  }

  private CompletableFuture<AbstractResponse> apiVersions(Request request) {
    return CompletableFuture.completedFuture(apiVersionsResponse(Errors.NONE));
  }

  private ApiVersionsResponse apiVersionsResponse(Errors error) {
    return new ApiVersionsResponse(
        new ApiVersionsResponseData().setErrorCode(error.code()).setApiKeys(versions()));
  }
}
