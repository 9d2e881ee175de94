package dev.onelog.internal.kafka;

import dev.onelog.OneLog;
import dev.onelog.internal.kafka.group.GroupCoordinator;
import dev.onelog.internal.kafka.group.GroupState;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ListGroupsRequest;
import org.apache.kafka.common.requests.ListGroupsResponse;

/**
 * ListGroups (v0-5): the wire groups with members, in their states, and every other group of the
 * file (embedded groups, and wire groups whose members are gone) as Empty consumer groups, so that
 * Kafka's tools find their committed offsets. Every group is of type "classic"; the state and type
 * filters (v4+, v5+) match without regard to case, as Kafka's do.
 */
final class ListGroupsApi implements Api {
  static final String CLASSIC = "classic";
  static final String CONSUMER = "consumer";

  private final GroupCoordinator coordinator;
  private final OneLog log;

  ListGroupsApi(GroupCoordinator coordinator, OneLog log) {
    this.coordinator = coordinator;
    this.log = log;
  }

  @Override
  public CompletableFuture<AbstractResponse> answer(Request request) {
    ListGroupsRequestData data = ((ListGroupsRequest) request.body()).data();
    Set<String> states = lower(data.statesFilter());
    Set<String> types = lower(data.typesFilter());
    Map<String, ListedGroup> listed = new LinkedHashMap<>();
    for (GroupCoordinator.Listing group : coordinator.list()) {
      listed.put(group.groupId(), listed(group.groupId(), group.protocolType(), group.state()));
    }
    for (String groupId : log.groups().list()) {
      listed.putIfAbsent(groupId, listed(groupId, CONSUMER, GroupState.EMPTY));
    }
    ListGroupsResponseData response = new ListGroupsResponseData();
    for (ListedGroup group : listed.values()) {
      if ((states.isEmpty() || states.contains(group.groupState().toLowerCase(Locale.ROOT)))
          && (types.isEmpty() || types.contains(CLASSIC))) {
        response.groups().add(group);
      }
    }
    return CompletableFuture.completedFuture(new ListGroupsResponse(response));
  }

  private static ListedGroup listed(String groupId, String protocolType, GroupState state) {
    return new ListedGroup()
        .setGroupId(groupId)
        .setProtocolType(protocolType)
        .setGroupState(state.kafkaName())
        .setGroupType(CLASSIC);
  }

  private static Set<String> lower(java.util.List<String> filter) {
    return filter == null
        ? Set.of()
        : filter.stream().map(s -> s.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
  }
}
