package dev.onelog.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The consumer-group part of the report: the labels the groups scenarios' runs are filed under, the
 * lines that compare them, its target and its summary fields. A ratio between two scenarios is the
 * median of each run's ratio, since both ran back to back in the same run.
 */
final class GroupsReport {
  /** The failover scenario's session timeouts: the default and a short one. */
  static final List<Integer> SESSION_SECONDS = List.of(10, 2);

  static final double APPEND_WITH_MEMBERS_TARGET = 0.95;

  private final Bench.Results results;
  private final int members;

  GroupsReport(Bench.Results results, int members) {
    this.results = results;
    this.members = members;
  }

  static String commit(int members) {
    return "groups-commit-" + members;
  }

  static String syncAppend(int callers) {
    return "groups-sync-append-" + callers;
  }

  static String failover(String stop, int sessionSeconds) {
    return "groups-failover-" + stop + "-" + sessionSeconds + "s";
  }

  static String asyncWithout() {
    return "groups-async-members-0";
  }

  static String asyncWith(int members, boolean otherJvm) {
    return "groups-async-members-" + members + (otherJvm ? "-other-jvm" : "-same-jvm");
  }

  void print(PrintStream out) {
    if (results.byLabel.keySet().stream().noneMatch(label -> label.startsWith("groups-"))) {
      return;
    }
    out.println();
    out.println("consumer groups, FSYNC (a ratio is the median of each run's ratio):");
    for (int count : List.of(1, members)) {
      String who = count == 1 ? "1 member" : count + " members, a partition each,";
      line(out, "offset commits/s, " + who + " commitSync", commit(count), "commitsPerSec");
      line(
          out,
          "  single appends/s, " + count + (count == 1 ? " caller" : " callers"),
          syncAppend(count),
          "recordsPerSec");
      ratioLine(out, "  commits / appends", commitToAppend(count));
    }
    for (String stop : List.of("kill", "close")) {
      for (int seconds : SESSION_SECONDS) {
        line(
            out,
            (stop.equals("kill") ? "kill -9" : "close()")
                + " -> its partitions consumed again, session "
                + seconds
                + " s, ms",
            failover(stop, seconds),
            "resumeMs");
      }
    }
    line(out, "async append, no members, rec/s", asyncWithout(), "recordsPerSec");
    for (boolean otherJvm : List.of(false, true)) {
      String where = otherJvm ? "in another JVM" : "in the same JVM";
      line(
          out,
          "async append, " + members + " idle members " + where + ", rec/s",
          asyncWith(members, otherJvm),
          "recordsPerSec");
      ratioLine(out, "  with / without", appendWithToWithout(otherJvm));
    }
  }

  private void line(PrintStream out, String name, String label, String field) {
    out.printf(
        Locale.ROOT,
        "  %-62s %12s   %s%n",
        name,
        Report.format(results.median(label, field)),
        results.all(label, field).stream().map(Report::format).toList());
  }

  private void ratioLine(PrintStream out, String name, List<Double> ratios) {
    out.printf(
        Locale.ROOT,
        "  %-62s %12s   %s%n",
        name,
        Report.format(Bench.Results.median(ratios)),
        ratios.stream().map(Report::format).toList());
  }

  private List<Double> commitToAppend(int count) {
    return results.ratios(commit(count), "commitsPerSec", syncAppend(count), "recordsPerSec");
  }

  private List<Double> appendWithToWithout(boolean otherJvm) {
    return results.ratios(
        asyncWith(members, otherJvm), "recordsPerSec", asyncWithout(), "recordsPerSec");
  }

  List<Report.Target> targets() {
    return List.of(
        new Report.Target(
            "async FSYNC with " + members + " idle members in the same JVM / without",
            Bench.Results.median(appendWithToWithout(false)),
            ">=",
            APPEND_WITH_MEMBERS_TARGET));
  }

  void summarize(Map<String, Object> s) {
    s.put("groupCommitsPerSec", results.median(commit(1), "commitsPerSec"));
    s.put("groupCommitsPerSecManyMembers", results.median(commit(members), "commitsPerSec"));
    s.put("groupCommitToAppendRatio", Bench.Results.median(commitToAppend(1)));
    s.put("groupCommitToAppendRatioManyMembers", Bench.Results.median(commitToAppend(members)));
    for (String stop : List.of("kill", "close")) {
      for (int seconds : SESSION_SECONDS) {
        s.put(
            "groupFailover"
                + (stop.equals("kill") ? "Kill" : "Close")
                + "Session"
                + seconds
                + "sMs",
            results.median(failover(stop, seconds), "resumeMs"));
      }
    }
    s.put("groupAppendRecordsPerSecNoMembers", results.median(asyncWithout(), "recordsPerSec"));
    s.put(
        "groupAppendRecordsPerSecMembersSameJvm",
        results.median(asyncWith(members, false), "recordsPerSec"));
    s.put(
        "groupAppendRecordsPerSecMembersOtherJvm",
        results.median(asyncWith(members, true), "recordsPerSec"));
    s.put("groupAppendRatioMembersSameJvm", Bench.Results.median(appendWithToWithout(false)));
    s.put("groupAppendRatioMembersOtherJvm", Bench.Results.median(appendWithToWithout(true)));
  }
}
