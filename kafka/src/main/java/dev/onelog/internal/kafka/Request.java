package dev.onelog.internal.kafka;

import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * A request as decoded from one frame, with the frame's size (the size prefix excluded). {@code
 * body} is null only for an ApiVersions request in a version the server does not know ({@link
 * RequestDecoder}). {@code clientHost} is where the client connects from, as "/127.0.0.1".
 */
record Request(RequestHeader header, AbstractRequest body, int sizeInBytes, String clientHost) {}
