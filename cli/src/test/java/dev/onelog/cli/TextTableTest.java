package dev.onelog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class TextTableTest {
  @Test
  void numbersAreRightAlignedAndTextLeftAligned() {
    TextTable table = new TextTable("NAME", "COUNT").row("a", 5).row("bbbbbb", 1234567);
    assertEquals("NAME      COUNT\na             5\nbbbbbb  1234567\n", print(table));
  }

  @Test
  void aMissingNumberKeepsItsColumnRightAligned() {
    TextTable table = new TextTable("GROUP", "LAG").row("g", TextTable.NONE).row("h", 12);
    assertEquals("GROUP  LAG\ng        -\nh       12\n", print(table));
  }

  @Test
  void aColumnWithNoNumberIsLeftAlignedEvenWhenEveryCellIsMissing() {
    TextTable table = new TextTable("TOPIC", "NEWEST TIMESTAMP").row("t", TextTable.NONE);
    assertEquals("TOPIC  NEWEST TIMESTAMP\nt      -\n", print(table));
  }

  private static String print(TextTable table) {
    StringWriter out = new StringWriter();
    try (PrintWriter writer = new PrintWriter(out)) {
      table.print(writer);
    }
    return out.toString().replace(System.lineSeparator(), "\n");
  }
}
