package dev.onelog.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A table for people to read: a header row, then rows whose columns line up; a column of numbers
 * (with {@link #NONE} for a missing one) is right-aligned, everything else left-aligned. Holds its
 * rows until {@link #print}. Not thread-safe.
 */
final class TextTable {
  /** A missing number (no committed offset, no lag): keeps its column right-aligned. */
  static final String NONE = "-";

  private static final String GAP = "  ";

  private final List<String> headers;
  private final List<Object[]> rows = new ArrayList<>();

  TextTable(String... headers) {
    this.headers = List.of(headers);
  }

  /** Adds a row of one cell per header. */
  TextTable row(Object... cells) {
    if (cells.length != headers.size()) {
      throw new IllegalArgumentException(
          "row has " + cells.length + " cells for " + headers.size() + " headers");
    }
    rows.add(cells.clone());
    return this;
  }

  void print(PrintWriter out) {
    int[] widths = new int[headers.size()];
    boolean[] numeric = new boolean[headers.size()];
    for (int c = 0; c < widths.length; c++) {
      widths[c] = headers.get(c).length();
      boolean numbers = false;
      boolean others = false;
      for (Object[] row : rows) {
        widths[c] = Math.max(widths[c], String.valueOf(row[c]).length());
        numbers |= row[c] instanceof Number;
        others |= !(row[c] instanceof Number) && !NONE.equals(row[c]);
      }
      numeric[c] = numbers && !others;
    }
    printLine(out, headers.toArray(), widths, numeric);
    for (Object[] row : rows) {
      printLine(out, row, widths, numeric);
    }
  }

  private static void printLine(PrintWriter out, Object[] cells, int[] widths, boolean[] numeric) {
    StringBuilder line = new StringBuilder();
    for (int c = 0; c < cells.length; c++) {
      String cell = String.valueOf(cells[c]);
      String padding = " ".repeat(widths[c] - cell.length());
      if (c > 0) {
        line.append(GAP);
      }
      line.append(numeric[c] ? padding + cell : cell + (c == cells.length - 1 ? "" : padding));
    }
    out.println(line);
  }
}
