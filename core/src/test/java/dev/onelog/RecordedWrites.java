package dev.onelog;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The log {@code core/src/test/c/write_recorder.c} wrote of a child's file operations, and the
 * files a power loss after any prefix of them could leave behind: what was fsynced is kept; each
 * later write is kept or lost in pieces of 512 bytes (a disk's sector: writes torn and reordered),
 * each later truncation kept or lost whole. An unlink counts at once (SQLite only deletes a file it
 * no longer needs). Not thread-safe.
 */
final class RecordedWrites {
  static final int SECTOR = 512;

  /** One operation: 'O' open, 'W' write, 'S' sync, 'T' truncate, 'U' unlink. */
  record Op(char kind, int file, long offset, byte[] data) {}

  private final List<Op> ops;
  private final Map<Integer, String> paths;

  private RecordedWrites(List<Op> ops, Map<Integer, String> paths) {
    this.ops = ops;
    this.paths = paths;
  }

  static RecordedWrites read(Path log) throws IOException {
    ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(log)).order(ByteOrder.LITTLE_ENDIAN);
    List<Op> ops = new ArrayList<>();
    Map<Integer, String> paths = new HashMap<>();
    while (in.remaining() >= 14) {
      char kind = (char) in.get();
      int file = in.get() & 0xff;
      int length = in.getInt();
      long offset = in.getLong();
      if (in.remaining() < length) {
        break; // the recorder was killed while writing this one
      }
      byte[] data = new byte[length];
      in.get(data);
      if (kind == 'O') {
        paths.put(file, new String(data, java.nio.charset.StandardCharsets.UTF_8));
      }
      ops.add(new Op(kind, file, offset, data));
    }
    return new RecordedWrites(ops, paths);
  }

  int size() {
    return ops.size();
  }

  List<Op> ops() {
    return ops;
  }

  /** The index of the first operation on the file whose path ends with {@code suffix}, or -1. */
  int firstOpOn(String suffix, char kind) {
    for (int i = 0; i < ops.size(); i++) {
      Op op = ops.get(i);
      if (op.kind() == kind && paths.getOrDefault(op.file(), "").endsWith(suffix)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The index of the last fsync of the file whose path ends with {@code suffix} among the first
   * {@code cut} operations, or -1.
   */
  int lastSync(String suffix, int cut) {
    for (int i = cut - 1; i >= 0; i--) {
      Op op = ops.get(i);
      if (op.kind() == 'S' && paths.getOrDefault(op.file(), "").endsWith(suffix)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The complete lines written to the file whose path ends with {@code suffix} by the first {@code
   * cut} operations, each with the index of the operation that wrote its end.
   */
  List<Map.Entry<String, Integer>> lines(String suffix, int cut) {
    List<Map.Entry<String, Integer>> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < cut; i++) {
      Op op = ops.get(i);
      if (op.kind() != 'W' || !paths.getOrDefault(op.file(), "").endsWith(suffix)) {
        continue;
      }
      for (byte b : op.data()) {
        if (b == '\n') {
          lines.add(Map.entry(line.toString(), i));
          line.setLength(0);
        } else {
          line.append((char) b);
        }
      }
    }
    return lines;
  }

  /**
   * The files, by path, as a power loss right after the first {@code cut} operations could leave
   * them, choosing what survives of what was not yet fsynced with {@code random}. Files that do not
   * exist then are absent.
   */
  Map<String, byte[]> imageAfter(int cut, Random random) {
    Map<Integer, Contents> durable = new LinkedHashMap<>();
    Map<Integer, List<Op>> pending = new HashMap<>();
    for (Op op : ops.subList(0, cut)) {
      switch (op.kind()) {
        case 'O' -> durable.computeIfAbsent(op.file(), f -> new Contents());
        case 'W', 'T' -> pending.computeIfAbsent(op.file(), f -> new ArrayList<>()).add(op);
        case 'S' -> {
          Contents contents = durable.computeIfAbsent(op.file(), f -> new Contents());
          for (Op write : pending.getOrDefault(op.file(), List.of())) {
            contents.apply(write, 0, write.data().length);
          }
          pending.remove(op.file());
        }
        case 'U' -> {
          durable.remove(op.file());
          pending.remove(op.file());
        }
        default -> throw new IllegalStateException("unknown operation " + op.kind());
      }
    }
    Map<String, byte[]> image = new LinkedHashMap<>();
    durable.forEach(
        (file, contents) -> {
          Contents copy = contents.copy();
          for (Op op : pending.getOrDefault(file, List.of())) {
            if (op.kind() == 'T') {
              if (random.nextBoolean()) {
                copy.apply(op, 0, 0);
              }
              continue;
            }
            int start = 0;
            while (start < op.data().length) {
              long at = op.offset() + start;
              int piece = (int) Math.min(op.data().length - start, SECTOR - at % SECTOR);
              if (random.nextBoolean()) {
                copy.apply(op, start, piece);
              }
              start += piece;
            }
          }
          image.put(paths.get(file), copy.bytes());
        });
    return image;
  }

  /** A file's bytes, growing as writes reach past its end. */
  private static final class Contents {
    private byte[] bytes = new byte[0];
    private int length;

    void apply(Op op, int from, int count) {
      if (op.kind() == 'T') {
        int size = (int) op.offset();
        ensure(size);
        if (size < length) {
          Arrays.fill(bytes, size, length, (byte) 0);
        }
        length = size;
        return;
      }
      int at = (int) (op.offset() + from);
      ensure(at + count);
      System.arraycopy(op.data(), from, bytes, at, count);
      length = Math.max(length, at + count);
    }

    private void ensure(int size) {
      if (size > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(size, bytes.length * 2));
      }
    }

    Contents copy() {
      Contents copy = new Contents();
      copy.bytes = Arrays.copyOf(bytes, length);
      copy.length = length;
      return copy;
    }

    byte[] bytes() {
      return Arrays.copyOf(bytes, length);
    }
  }
}
