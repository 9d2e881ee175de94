package dev.onelog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DeleteRecordsCommandIT {
  @RegisterExtension final OneLogProcess onelog = new OneLogProcess();

  @Test
  void deletesBelowTheOffsetEvenInsideABatchAndRefusesAnOffsetPastTheEnd() {
    onelog.run("topics", "create", "t").ok();
    String lines =
        IntStream.range(0, 10).mapToObj(Integer::toString).collect(Collectors.joining("\n"));
    onelog.runWithInput(lines, "produce", "t").ok(); // one batch, offsets 0..9

    assertEquals(
        "t-0: earliest offset 4\n",
        onelog.run("delete-records", "t", "--partition", "0", "--before", "4").ok().stdout());
    assertEquals(
        List.of("4", "5", "6", "7", "8", "9"),
        onelog.run("consume", "t", "--from-beginning").ok().lines());

    String tooFar =
        onelog.run("delete-records", "t", "--partition", "0", "--before", "11").failsWith(1);
    assertTrue(tooFar.contains("give an offset from 0 to 10"), tooFar);
    String noPartition =
        onelog.run("delete-records", "t", "--partition", "3", "--before", "1").failsWith(1);
    assertTrue(noPartition.contains("has no partition 3"), noPartition);
    String usage = onelog.run("delete-records", "t", "--before", "1").failsWith(2);
    assertTrue(usage.contains("--partition"), usage);
  }
}
