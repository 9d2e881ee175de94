package dev.onelog.group;

import dev.onelog.OneLogException;
import java.util.List;

/**
 * An operation that needs a group without live members (resetting or deleting its offsets,
 * committing without a member) found members whose sessions have not expired.
 */
public class GroupNotEmptyException extends OneLogException {
  private static final long serialVersionUID = 1L;
  private final String groupId;
  private final List<String> liveMembers;

  public GroupNotEmptyException(String message, String groupId, List<String> liveMembers) {
    super(message);
    this.groupId = groupId;
    this.liveMembers = List.copyOf(liveMembers);
  }

  public String groupId() {
    return groupId;
  }

  public List<String> liveMembers() {
    return liveMembers;
  }
}
