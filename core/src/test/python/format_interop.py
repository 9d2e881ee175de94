#!/usr/bin/env python3
"""Reads and appends to a onelog file the way docs/FORMAT.md says, with Python's standard
library alone: the proof that the format page is enough for another language.

usage: format_interop.py FILE TOPIC [--read-only | --append-only] [--partition P]
                         [--key TEXT] [--value TEXT] [--timestamp-ms N] [--busy-timeout-ms N]

1. Read (unless --append-only): every record of every partition of TOPIC, in one read
   transaction, partition by partition in offset order, in batches of
   "WHERE offset >= ? ORDER BY offset LIMIT ?". Each record's CRC32C is recomputed and its
   headers decoded, and the partition's invariants are checked (offsets increasing and in
   [log_start_offset, next_offset), record_count and size_bytes matching the rows). Each
   record is printed as one JSON line:
     {"topic":..,"partition":..,"offset":..,"timestamp_ms":..,"key":HEX|null,
      "value":HEX|null,"headers":[[NAME,HEX|null],...],"crc":..}
   Bytes are lower-case hex; header names are text.
2. Append (unless --read-only): one record to partition P (default 0) with the given key,
   value and timestamp and two headers, ("origin", "python") and ("nothing", null),
   following FORMAT.md section 7, then print
     {"appended":{"topic":..,"partition":..,"offset":..,"timestamp_ms":..,"crc":..}}

Exit status: 0 done; 1 the file breaks the format (bad CRC, headers, invariants); 2 bad
usage, not a onelog file, newer format, unknown topic or partition; 3 the write lock stayed
busy for longer than the busy timeout.
"""

import json
import sqlite3
import struct
import sys
import time

APPLICATION_ID = 0x314C4F47  # "1LOG"
FORMAT_VERSION = 1
READ_BATCH_RECORDS = 1000
APPENDED_HEADERS = [("origin", b"python"), ("nothing", None)]


class FormatError(Exception):
    """The file breaks docs/FORMAT.md."""


class UsageError(Exception):
    """Bad arguments, or a file or topic this program must not touch."""


# ---- CRC32C (Castagnoli), reflected polynomial 0x82F63B78; zlib.crc32 is another CRC ----

def _crc32c_table():
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_CRC32C_TABLE = _crc32c_table()


def crc32c_update(crc, data):
    """Continues a CRC32C; start with 0. Init and final XOR 0xFFFFFFFF are applied here."""
    crc ^= 0xFFFFFFFF
    table = _CRC32C_TABLE
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def record_crc(timestamp_ms, key, value, headers):
    """FORMAT.md section 3: int64 timestamp, then for key, value and headers an int32 length
    (-1 for NULL) followed by the bytes; all big-endian."""
    crc = crc32c_update(0, struct.pack(">q", timestamp_ms))
    for field in (key, value, headers):
        if field is None:
            crc = crc32c_update(crc, struct.pack(">i", -1))
        else:
            crc = crc32c_update(crc, struct.pack(">i", len(field)))
            crc = crc32c_update(crc, field)
    return crc


assert crc32c_update(0, b"123456789") == 0xE3069283


# ---- Headers ----

def encode_headers(headers):
    """NULL (None) for no headers; else int32 count, then per header int32 name length, UTF-8
    name, int32 value length (-1 for a null value), value."""
    if not headers:
        return None
    out = [struct.pack(">i", len(headers))]
    for name, value in headers:
        encoded_name = name.encode("utf-8")
        out.append(struct.pack(">i", len(encoded_name)))
        out.append(encoded_name)
        if value is None:
            out.append(struct.pack(">i", -1))
        else:
            out.append(struct.pack(">i", len(value)))
            out.append(value)
    return b"".join(out)


def decode_headers(blob):
    """The list of (name, value-or-None) pairs; raises FormatError on a malformed blob."""
    if blob is None:
        return []
    at = 0

    def take(length):
        nonlocal at
        if length < 0 or at + length > len(blob):
            raise FormatError("headers: %d bytes wanted at byte %d of %d" % (length, at, len(blob)))
        chunk = blob[at:at + length]
        at += length
        return chunk

    def take_int32():
        return struct.unpack(">i", take(4))[0]

    count = take_int32()
    if count < 1:
        raise FormatError("headers: count %d; no headers is a NULL column, not a count of 0" % count)
    headers = []
    for _ in range(count):
        name_length = take_int32()
        if name_length < 0:
            raise FormatError("headers: negative name length %d" % name_length)
        name = take(name_length).decode("utf-8")
        value_length = take_int32()
        if value_length < -1:
            raise FormatError("headers: value length %d" % value_length)
        headers.append((name, None if value_length == -1 else bytes(take(value_length))))
    if at != len(blob):
        raise FormatError("headers: %d bytes left after %d headers" % (len(blob) - at, count))
    return headers


def size_of(key, value, headers):
    return sum(0 if field is None else len(field) for field in (key, value, headers))


def log_table(topic_id, partition):
    # Both numbers come from the file's INTEGER columns, so the name is safe to splice.
    return "log_%d_%d" % (int(topic_id), int(partition))


def hex_or_null(data):
    return None if data is None else bytes(data).hex()


def blob(column, what):
    """key, value and headers must be BLOB or NULL (FORMAT.md section 3), never TEXT."""
    if column is None or isinstance(column, bytes):
        return column
    raise FormatError("%s is stored as %s, not as a BLOB" % (what, type(column).__name__))


# ---- Opening ----

def open_log(path, busy_timeout_ms):
    """Opens an existing file read-write (never creating one) in autocommit mode, so that
    every transaction is begun explicitly, and checks that it is a onelog file we can read."""
    uri = "file:" + path.replace("%", "%25").replace("?", "%3f").replace("#", "%23") + "?mode=rw"
    try:
        connection = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=busy_timeout_ms / 1000.0)
    except sqlite3.OperationalError as e:
        raise UsageError("cannot open %s: %s" % (path, e))
    application_id = connection.execute("PRAGMA application_id").fetchone()[0]
    if application_id != APPLICATION_ID:
        connection.close()
        raise UsageError("%s is not a onelog file (application_id %d, expected %d)" % (path, application_id, APPLICATION_ID))
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    if version > FORMAT_VERSION:
        connection.close()
        raise UsageError("%s is of format %d, newer than format %d that this program reads" % (path, version, FORMAT_VERSION))
    return connection


def find_topic(connection, topic):
    row = connection.execute("SELECT id, partitions FROM topics WHERE name = ?", (topic,)).fetchone()
    if row is None:
        known = [r[0] for r in connection.execute("SELECT name FROM topics ORDER BY name")]
        raise UsageError("topic '%s' does not exist; known topics: %s" % (topic, known))
    return row


# ---- Reading ----

def read_topic(connection, topic, out):
    """Prints every record of every partition, checking CRCs, headers and invariants, in one
    read transaction so that the counters and the rows are of the same commit."""
    connection.execute("BEGIN")
    try:
        topic_id, partition_count = find_topic(connection, topic)
        partitions = connection.execute(
            "SELECT partition, log_start_offset, next_offset, record_count, size_bytes"
            " FROM partitions WHERE topic_id = ? ORDER BY partition", (topic_id,)).fetchall()
        if [p[0] for p in partitions] != list(range(partition_count)):
            raise FormatError("topic '%s' has %d partitions but partitions rows %s"
                              % (topic, partition_count, [p[0] for p in partitions]))
        for partition, log_start_offset, next_offset, record_count, size_bytes in partitions:
            read_partition(connection, topic, topic_id, partition, log_start_offset, next_offset,
                           record_count, size_bytes, out)
    finally:
        connection.execute("COMMIT")


def read_partition(connection, topic, topic_id, partition, log_start_offset, next_offset,
                   record_count, size_bytes, out):
    where = "%s-%d" % (topic, partition)
    select = ("SELECT offset, timestamp_ms, key, value, headers, crc FROM %s"
              " WHERE offset >= ? ORDER BY offset LIMIT ?" % log_table(topic_id, partition))
    position = log_start_offset
    previous = None
    count = 0
    total_bytes = 0
    while True:
        rows = connection.execute(select, (position, READ_BATCH_RECORDS)).fetchall()
        if not rows:
            break
        for offset, timestamp_ms, key, value, headers, crc in rows:
            key = blob(key, "%s@%d key" % (where, offset))
            value = blob(value, "%s@%d value" % (where, offset))
            headers = blob(headers, "%s@%d headers" % (where, offset))
            computed = record_crc(timestamp_ms, key, value, headers)
            if computed != crc:
                raise FormatError("%s@%d does not match its CRC32C: stored %d, computed %d"
                                  % (where, offset, crc, computed))
            if previous is not None and offset <= previous:
                raise FormatError("%s@%d is not above the previous offset %d" % (where, offset, previous))
            if not log_start_offset <= offset < next_offset:
                raise FormatError("%s@%d is outside [log_start_offset %d, next_offset %d)"
                                  % (where, offset, log_start_offset, next_offset))
            previous = offset
            count += 1
            total_bytes += size_of(key, value, headers)
            out.write(json.dumps({
                "topic": topic,
                "partition": partition,
                "offset": offset,
                "timestamp_ms": timestamp_ms,
                "key": hex_or_null(key),
                "value": hex_or_null(value),
                "headers": [[name, hex_or_null(v)] for name, v in decode_headers(headers)],
                "crc": crc,
            }, separators=(",", ":")) + "\n")
        position = rows[-1][0] + 1  # not position + len(rows): offsets may have gaps
    if count != record_count:
        raise FormatError("%s: record_count is %d but %d records are stored" % (where, record_count, count))
    if total_bytes != size_bytes:
        raise FormatError("%s: size_bytes is %d but the records hold %d" % (where, size_bytes, total_bytes))


# ---- Appending: FORMAT.md section 7 ----

def append(connection, topic, partition, timestamp_ms, key, value, headers):
    """Appends one record; returns (offset, crc) once COMMIT has returned."""
    encoded_headers = encode_headers(headers)
    crc = record_crc(timestamp_ms, key, value, encoded_headers)
    size = size_of(key, value, encoded_headers)
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute("BEGIN IMMEDIATE")
    try:
        topic_id, _ = find_topic(connection, topic)
        row = connection.execute(
            "SELECT next_offset FROM partitions WHERE topic_id = ? AND partition = ?",
            (topic_id, partition)).fetchone()
        if row is None:
            raise UsageError("topic '%s' has no partition %d" % (topic, partition))
        offset = row[0]
        connection.execute(
            "INSERT INTO %s (offset, timestamp_ms, key, value, headers, crc) VALUES (?, ?, ?, ?, ?, ?)"
            % log_table(topic_id, partition),
            (offset, timestamp_ms, key, value, encoded_headers, crc))
        connection.execute(
            "UPDATE partitions SET next_offset = ?, record_count = record_count + ?,"
            " size_bytes = size_bytes + ? WHERE topic_id = ? AND partition = ?",
            (offset + 1, 1, size, topic_id, partition))
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    return offset, crc


# ---- Command line ----

def parse_args(argv):
    options = {"read": True, "append": True, "partition": 0, "key": "py-key", "value": "py-value",
               "timestamp_ms": None, "busy_timeout_ms": 5000}
    positional = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--read-only":
            options["append"] = False
        elif arg == "--append-only":
            options["read"] = False
        elif arg in ("--partition", "--key", "--value", "--timestamp-ms", "--busy-timeout-ms"):
            if i + 1 >= len(argv):
                raise UsageError(arg + " needs a value")
            i += 1
            name = arg[2:].replace("-", "_")
            if name in ("partition", "timestamp_ms", "busy_timeout_ms"):
                try:
                    options[name] = int(argv[i])
                except ValueError:
                    raise UsageError("%s must be an integer, was %r" % (arg, argv[i]))
            else:
                options[name] = argv[i]
        elif arg.startswith("--"):
            raise UsageError("unknown option " + arg)
        else:
            positional.append(arg)
        i += 1
    if len(positional) != 2:
        raise UsageError("expected FILE and TOPIC, got %s" % positional)
    if not options["read"] and not options["append"]:
        raise UsageError("--read-only and --append-only exclude each other")
    options["file"], options["topic"] = positional
    return options


def main(argv):
    try:
        options = parse_args(argv)
        connection = open_log(options["file"], options["busy_timeout_ms"])
        try:
            if options["read"]:
                read_topic(connection, options["topic"], sys.stdout)
            if options["append"]:
                timestamp_ms = options["timestamp_ms"]
                if timestamp_ms is None:
                    timestamp_ms = int(time.time() * 1000)
                offset, crc = append(connection, options["topic"], options["partition"], timestamp_ms,
                                     options["key"].encode("utf-8"), options["value"].encode("utf-8"),
                                     APPENDED_HEADERS)
                print(json.dumps({"appended": {"topic": options["topic"], "partition": options["partition"],
                                               "offset": offset, "timestamp_ms": timestamp_ms, "crc": crc}},
                                 separators=(",", ":")))
        finally:
            connection.close()
    except UsageError as e:
        print("format_interop: %s" % e, file=sys.stderr)
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    except FormatError as e:
        print("format_interop: the file breaks docs/FORMAT.md: %s" % e, file=sys.stderr)
        return 1
    except sqlite3.OperationalError as e:
        if "locked" in str(e) or "busy" in str(e):
            print("format_interop: the write lock stayed busy for longer than %d ms: %s"
                  % (options["busy_timeout_ms"], e), file=sys.stderr)
            return 3
        raise
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
