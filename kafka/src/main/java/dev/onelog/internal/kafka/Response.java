package dev.onelog.internal.kafka;

import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.RequestUtils;

/**
 * The answer to one request, in the version the request was made in. ApiVersions always answers
 * with response header version 0, so that a client that asked in a version the server does not know
 * can still read the error.
 */
record Response(RequestHeader request, AbstractResponse body) {
  java.nio.ByteBuffer serialize() {
    short version = request.apiVersion();
    ApiKeys api = request.apiKey();
    short headerVersion = api == ApiKeys.API_VERSIONS ? 0 : api.responseHeaderVersion(version);
    return RequestUtils.serialize(
        new ResponseHeaderData().setCorrelationId(request.correlationId()),
        headerVersion,
        body.data(),
        version);
  }
}
