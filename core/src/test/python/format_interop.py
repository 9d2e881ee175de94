#!/usr/bin/env python3
"""Reads and appends to a onelog file the way docs/FORMAT.md says, with Python's standard
library alone: the proof that the format page is enough for another language.

usage: format_interop.py FILE TOPIC [--read-only | --append-only] [--from-offset N]
                         [--partition P] [--count N] [--key TEXT] [--more-keys TEXT,...]
                         [--value TEXT] [--timestamp-ms N] [--busy-timeout-ms N]
       format_interop.py groups FILE [GROUP]
       format_interop.py commit FILE GROUP TOPIC:PARTITION=OFFSET... [--metadata TEXT]
                         [--busy-timeout-ms N]
       format_interop.py latest FILE TOPIC KEY... [--hex] [--partition P]
(A FILE named "groups", "commit" or "latest" is written ./groups, ./commit or ./latest.)

1. Read (unless --append-only): every record of every partition of TOPIC, in one read
   transaction, partition by partition in offset order, a few batches at a time with
   "WHERE last_offset >= ? ORDER BY last_offset LIMIT ?" (FORMAT.md section 6). Each batch's
   CRC32Cs (its row's and its Kafka header's) are recomputed and its records decoded and
   checked against its header, the row and the partition (FORMAT.md sections 3 and 4) before
   any of them is printed, and every header is decoded.
   Reading from the start, the partition's record_count and size_bytes are checked too.
   With --from-offset N, each partition is read from the batch holding offset N and records
   below N are skipped. Each record is printed as one JSON line:
     {"topic":..,"partition":..,"offset":..,"timestamp_ms":..,"key":HEX|null,
      "value":HEX|null,"headers":[[NAME,HEX|null],...]}
   Bytes are lower-case hex; header names are text. After each partition, the number of
   batches read and of records printed, and the partition's newest timestamp as FORMAT.md
   section 6 defines it (null when the partition holds no records):
     {"partition_read":{"topic":..,"partition":..,"batches":..,"records":..,
      "newest_timestamp_ms":..}}
2. Append (unless --read-only): one batch of --count records (default 1) to partition P
   (default: the partition of KEY by Kafka's murmur2, FORMAT.md section 7), following FORMAT.md
   section 7. Record 0 has key KEY, value VALUE and two
   headers, ("origin", "python") and ("nothing", null); record i >= 1 has no key (with
   --more-keys K1,K2,...: the key K((i - 1) % n + 1), the keys taken in turn), no headers
   and the value "VALUE i", or none (a tombstone) when i is even. Record i's timestamp is
   TIMESTAMP + count - 1 - i: falling, so the batch's max_timestamp_ms is its first record's.
   To a compacted topic (cleanup_policy compact or compact,delete, read inside the
   transaction), a batch with a record without a key is refused and nothing is written;
   otherwise each record's key is upserted into the partition's key index keys_T_P, in offset
   order, before COMMIT (FORMAT.md section 7). Then prints
     {"appended":{"topic":..,"partition":..,"base_offset":..,"last_offset":..,
      "record_count":..,"max_timestamp_ms":..,"size_bytes":..,"crc":..}}
3. groups: every group's (or GROUP's) committed offsets with each partition's offsets and the
   group's lag there (FORMAT.md section 12.2), one line per committed partition, ordered by
   group, topic and partition:
     {"group_offset":{"group":..,"topic":..,"partition":..,"committed_offset":..,
      "log_start_offset":..,"next_offset":..,"lag":..,"metadata":..}}
   then every live member (live by this process's clock) with the partitions it holds,
   ordered by group and member id:
     {"group_member":{"group":..,"member":..,"client":..,"owned":[[TOPIC,PARTITION],...]}}
   all read in one read transaction.
4. commit: commits the offsets (the next offset to read, >= 0) of the partitions, all with
   the metadata TEXT (default ""), for GROUP, which must have no live member, following
   FORMAT.md section 12.5 in one transaction; creates the group when it does not exist. Then
   prints one line per partition:
     {"committed":{"group":..,"topic":..,"partition":..,"offset":..,"metadata":..,
      "committed_at_ms":..}}
5. latest: the newest record of each KEY (UTF-8 text; with --hex, the key's bytes in hex) in
   TOPIC, which must be compacted, as FORMAT.md section 13.2 reads it: in partition P, or in
   the partition of the key by Kafka's murmur2 (FORMAT.md section 7); the records not yet in
   the key index newest first, then one statement per key, all in one read transaction. The batch's CRC32C is checked and the batch decoded; a
   tombstone, or a key index row whose offset the batch does not hold with that key, is no
   record. One line per KEY, in order, "record" being a record line as in 1, or null:
     {"latest":{"topic":..,"partition":..,"key":HEX,"record":{"topic":..,..}|null}}

Exit status: 0 done; 1 the file breaks the format (bad CRC, batch, headers, invariants); 2
bad usage, not a onelog file, another format, unknown topic, partition or group, a group
with live members to commit for, a record without a key for a compacted topic, latest on a
topic that does not compact; 3 the write lock stayed busy for longer than the busy
timeout.
"""

import json
import os
import sqlite3
import struct
import sys
import time
import unicodedata
import urllib.parse

APPLICATION_ID = 0x314C4F47  # "1LOG"
FORMAT_VERSION = 6
READ_BATCHES_PER_QUERY = 4  # small, so that reading a partition takes several queries
BATCH_HEADER_BYTES = 61  # FORMAT.md section 3: the bytes before a batch's first record
APPENDED_HEADERS = [("origin", b"python"), ("nothing", None)]
MAX_GROUP_ID_LENGTH = 249  # FORMAT.md section 12.1, in UTF-16 code units
MAX_METADATA_LENGTH = 4096  # likewise
SUBCOMMANDS = ("groups", "commit", "latest")
CLEANUP_POLICIES = ("delete", "compact", "compact,delete")  # FORMAT.md section 2


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


def batch_crc(base_offset, records):
    """FORMAT.md section 3: CRC32C over int64 base_offset, then the records blob."""
    return crc32c_update(crc32c_update(0, struct.pack(">q", base_offset)), records)


assert crc32c_update(0, b"123456789") == 0xE3069283
assert crc32c_update(crc32c_update(0, b"1234"), b"56789") == 0xE3069283


# ---- Kafka's murmur2: FORMAT.md section 7, which partition a key goes to ----

def murmur2(data):
    """Kafka's 32-bit MurmurHash2 of the bytes, as an unsigned 32-bit integer."""
    mask = 0xFFFFFFFF
    n = len(data)
    m = 0x5BD1E995
    r = 24
    h = (0x9747B28C ^ n) & mask
    i = 0
    while i + 4 <= n:
        k = data[i] | data[i + 1] << 8 | data[i + 2] << 16 | data[i + 3] << 24
        k = (k * m) & mask
        k ^= k >> r
        k = (k * m) & mask
        h = (h * m) & mask
        h ^= k
        i += 4
    t = n - n % 4
    if n % 4 == 3:
        h ^= data[t + 2] << 16
    if n % 4 >= 2:
        h ^= data[t + 1] << 8
    if n % 4 >= 1:
        h ^= data[t]
        h = (h * m) & mask
    h ^= h >> 13
    h = (h * m) & mask
    h ^= h >> 15
    return h


def partition_of(key, partitions):
    """Kafka's default partitioner for a keyed record."""
    return (murmur2(key) & 0x7FFFFFFF) % partitions


# The test values of FORMAT.md section 7, as the page gives them: key bytes, murmur2 as a
# signed int32, partition of 3, partition of 6.
for _hex, _signed, _of3, _of6 in [
        ("", 275646681, 0, 3),
        ("61", -1563381124, 1, 4),
        ("6162", 316155434, 2, 2),
        ("616263", 479470107, 0, 3),
        ("61626364", -1323649548, 2, 2),
        ("6162636465", 461995741, 1, 1),
        ("6b31", 1684045097, 2, 5),
        ("6f72646572732d3432", 479277457, 1, 1),
        ("c3bc6ec3af", -570454509, 2, 5),
        ("ff", -311467685, 0, 3),
        ("8000ff7fe99c81", 333230719, 1, 1)]:
    _key = bytes.fromhex(_hex)
    assert murmur2(_key) == _signed & 0xFFFFFFFF, _hex
    assert (partition_of(_key, 3), partition_of(_key, 6)) == (_of3, _of6), _hex


# ---- Varints: FORMAT.md section 3 ----

def to_signed(n, bits):
    """n modulo 2**bits, as a two's complement integer of that many bits: Java's int or long
    arithmetic, which wraps around."""
    n &= (1 << bits) - 1
    return n - (1 << bits) if n >> (bits - 1) else n


def encode_varint(n, bits=32):
    """A varint (bits 32) or varlong (bits 64): n zigzag-encoded, then 7 bits a byte, the least
    significant group first, each byte's top bit set when another follows."""
    assert to_signed(n, bits) == n, "%d does not fit %d bits" % (n, bits)
    z = ((n << 1) ^ (n >> (bits - 1))) & ((1 << bits) - 1)
    out = bytearray()
    while z >= 0x80:
        out.append(z & 0x7F | 0x80)
        z >>= 7
    out.append(z)
    return bytes(out)


class ByteReader:
    """Reads a blob from byte at up to byte end (not included), raising FormatError when a read
    runs past the end or a varint is longer than 5 bytes (a varlong 10)."""

    def __init__(self, data, at, end):
        self.data = data
        self.at = at
        self.end = end

    def take(self, length, what):
        if length < 0 or length > self.end - self.at:
            raise FormatError("%s: %d bytes wanted at byte %d, %d left" % (what, length, self.at, self.end - self.at))
        chunk = bytes(self.data[self.at:self.at + length])
        self.at += length
        return chunk

    def varint(self, what, bits=32):
        z = 0
        for i in range((bits + 6) // 7):
            if self.at >= self.end:
                raise FormatError("%s: a varint is cut off at byte %d" % (what, self.at))
            byte = self.data[self.at]
            self.at += 1
            z |= (byte & 0x7F) << (7 * i)
            if byte < 0x80:
                z &= (1 << bits) - 1  # as Java reads it: bits above the 32nd (64th) are lost
                return (z >> 1) ^ -(z & 1)
        raise FormatError("%s: a varint longer than %d bytes ends at byte %d" % (what, (bits + 6) // 7, self.at))

    def field(self, what):
        """A varint length, -1 for None, and that many bytes."""
        length = self.varint(what + " length")
        if length == -1:
            return None
        if length < -1:
            raise FormatError("%s length %d" % (what, length))
        return self.take(length, what)


for _n, _hex in [(0, "00"), (-1, "01"), (1, "02"), (63, "7e"), (-64, "7f"), (64, "8001")]:
    assert encode_varint(_n).hex() == _hex and encode_varint(_n, 64).hex() == _hex, _n
    assert ByteReader(bytes.fromhex(_hex), 0, len(_hex) // 2).varint("example") == _n, _n
for _n in [2 ** 31 - 1, -2 ** 31]:
    assert len(encode_varint(_n)) == 5 and ByteReader(encode_varint(_n), 0, 5).varint("int") == _n
for _n in [2 ** 63 - 1, -2 ** 63]:
    assert len(encode_varint(_n, 64)) == 10
    assert ByteReader(encode_varint(_n, 64), 0, 10).varint("long", 64) == _n


# ---- Headers ----

def encode_headers(headers):
    """None for no headers; else varint count, then per header varint name length, UTF-8 name,
    varint value length (-1 for a null value), value."""
    if not headers:
        return None
    out = [encode_varint(len(headers))]
    for name, value in headers:
        encoded_name = name.encode("utf-8")
        out.append(encode_varint(len(encoded_name)))
        out.append(encoded_name)
        if value is None:
            out.append(encode_varint(-1))
        else:
            out.append(encode_varint(len(value)))
            out.append(value)
    return b"".join(out)


def decode_headers(blob):
    """The list of (name, value-or-None) pairs of encoded headers (count first; None for none);
    raises FormatError on a malformed encoding. A name that is not valid UTF-8 is malformed
    (FORMAT.md section 3)."""
    if blob is None:
        return []
    reader = ByteReader(blob, 0, len(blob))
    count = reader.varint("headers: the count")
    if count < 0:
        raise FormatError("headers: negative count %d" % count)
    headers = []
    for i in range(count):
        name_length = reader.varint("headers: header %d's name length" % i)
        if name_length < 0:
            raise FormatError("headers: negative name length %d" % name_length)
        name_bytes = reader.take(name_length, "headers: header %d's name" % i)
        try:
            name = name_bytes.decode("utf-8")  # strict: no replacement, no surrogates
        except UnicodeDecodeError:
            raise FormatError("headers: header %d's name is not valid UTF-8: %s"
                              % (i, name_bytes.hex()))
        value_length = reader.varint("headers: header %d's value length" % i)
        if value_length < -1:
            raise FormatError("headers: header %d's value length is %d" % (i, value_length))
        headers.append((name, None if value_length == -1
                        else reader.take(value_length, "headers: header %d's value" % i)))
    if reader.at != len(blob):
        raise FormatError("headers: %d bytes left after %d headers" % (len(blob) - reader.at, count))
    return headers


# ---- Batches: FORMAT.md section 3, one Kafka record batch v2 ----

def encode_batch(base_offset, records):
    """records: a list of (offset_delta, timestamp_ms, key, value, encoded_headers), each of
    the last three bytes or None, the offset deltas 0 then rising. Returns the records blob:
    the 61-byte batch header, then the records."""
    base_timestamp_ms = records[0][1]
    body = []
    for delta, timestamp_ms, key, value, headers in records:
        record = [b"\x00",  # attributes
                  encode_varint(to_signed(timestamp_ms - base_timestamp_ms, 64), 64),
                  encode_varint(delta)]
        for field in (key, value):
            record.append(encode_varint(-1) if field is None else encode_varint(len(field)) + field)
        record.append(encode_varint(0) if headers is None else headers)
        record = b"".join(record)
        body.append(encode_varint(len(record)) + record)
    # from the attributes (byte 21) to the end: what the header's CRC covers
    covered = struct.pack(">hiqqqhii", 0, records[-1][0], base_timestamp_ms,
                          max(record[1] for record in records), -1, -1, -1, len(records)) + b"".join(body)
    return struct.pack(">qiibI", base_offset, 9 + len(covered), 0, 2, crc32c_update(0, covered)) + covered


def decode_batch(base_offset, records, where):
    """The batch's records as (offset, timestamp_ms, key, value, headers) with headers still
    encoded (None when the record has none); raises FormatError unless the blob is a batch as
    FORMAT.md section 3 lays it out, its header agreeing with the row's base_offset and with
    its records, each of which ends where its length says."""
    if len(records) < BATCH_HEADER_BYTES:
        raise FormatError("%s: %d bytes, a batch needs at least %d" % (where, len(records), BATCH_HEADER_BYTES))
    (header_base_offset, batch_length, _, magic, crc, attributes, last_offset_delta,
     base_timestamp_ms, max_timestamp_ms, _, _, _, record_count) = struct.unpack_from(
         ">qiibIhiqqqhii", records, 0)
    if header_base_offset != base_offset:
        raise FormatError("%s: its header's base offset is %d" % (where, header_base_offset))
    if batch_length != len(records) - 12:
        raise FormatError("%s: its header's batch length is %d, not %d bytes minus 12"
                          % (where, batch_length, len(records)))
    if magic != 2:
        raise FormatError("%s: magic %d, not 2" % (where, magic))
    computed = crc32c_update(0, records[21:])
    if crc != computed:
        raise FormatError("%s: its header's CRC32C is %d, its bytes' %d" % (where, crc, computed))
    if attributes != 0:
        raise FormatError("%s: attributes %d, not 0" % (where, attributes))
    decoded = []
    at = BATCH_HEADER_BYTES
    previous_delta = None
    while at < len(records):
        reader = ByteReader(records, at, len(records))
        what = "%s: the record at byte %d" % (where, at)
        length = reader.varint(what)
        if not 0 <= length <= len(records) - reader.at:
            raise FormatError("%s: record length %d at byte %d does not fit the %d bytes left"
                              % (where, length, at, len(records) - reader.at))
        reader.end = reader.at + length
        reader.take(1, what)  # attributes, unused
        timestamp_delta = reader.varint(what + ", timestamp delta", 64)
        delta = reader.varint(what + ", offset delta")
        if previous_delta is None and delta != 0:
            raise FormatError("%s: the first record's offset delta is %d, not 0" % (where, delta))
        if previous_delta is not None and delta <= previous_delta:
            raise FormatError("%s: offset delta %d at byte %d does not rise above %d"
                              % (where, delta, at, previous_delta))
        previous_delta = delta
        key = reader.field(what + ", key")
        value = reader.field(what + ", value")
        headers_at = reader.at
        count = reader.varint(what + ", header count")
        if count < 0:
            raise FormatError("%s: header count %d" % (what, count))
        for i in range(count):
            if reader.field("%s, header %d's name" % (what, i)) is None:
                raise FormatError("%s: header %d has no name" % (what, i))
            reader.field("%s, header %d's value" % (what, i))
        if reader.at != reader.end:
            raise FormatError("%s: %d bytes left after the record's headers" % (what, reader.end - reader.at))
        headers = bytes(records[headers_at:reader.end]) if count > 0 else None
        decoded.append((base_offset + delta, to_signed(base_timestamp_ms + timestamp_delta, 64),
                        key, value, headers))
        at = reader.end
    if not decoded:
        raise FormatError("%s holds no records" % where)
    if len(decoded) != record_count:
        raise FormatError("%s: its header counts %d records, it holds %d" % (where, record_count, len(decoded)))
    if previous_delta != last_offset_delta:
        raise FormatError("%s: its header's last offset delta is %d, its last record's %d"
                          % (where, last_offset_delta, previous_delta))
    largest = max(record[1] for record in decoded)
    if largest != max_timestamp_ms:
        raise FormatError("%s: its header's max timestamp is %d, its records' largest %d"
                          % (where, max_timestamp_ms, largest))
    return decoded


# The examples of FORMAT.md section 3, as the page gives them.
_EXAMPLE_HEADERS = encode_headers([("trace", b"abc"), ("empty", None)])
assert _EXAMPLE_HEADERS.hex() == "040a7472616365066162630a656d70747901"
assert decode_headers(_EXAMPLE_HEADERS) == [("trace", b"abc"), ("empty", None)]
_EXAMPLE_RECORDS = [(0, 1700000000000, b"k1", b"hello", _EXAMPLE_HEADERS),
                    (1, 1700000000001, b"k2", b"world", None)]
_EXAMPLE_BATCH = encode_batch(0, _EXAMPLE_RECORDS)
assert _EXAMPLE_BATCH.hex() == (
    "0000000000000000" "0000005e" "00000000" "02" "31c2876a" "0000" "00000001"
    "0000018bcfe56800" "0000018bcfe56801" "ffffffffffffffff" "ffff" "ffffffff" "00000002"
    "3c" "000000" "046b31" "0a68656c6c6f" "040a7472616365066162630a656d70747901"
    "1a" "000202" "046b32" "0a776f726c64" "00")
assert [(r[0],) + r[1:] for r in decode_batch(0, _EXAMPLE_BATCH, "example")] == _EXAMPLE_RECORDS
assert batch_crc(0, _EXAMPLE_BATCH) == 1420702381
assert batch_crc(5, encode_batch(5, _EXAMPLE_RECORDS)) == 1327917995
_EXAMPLE_EMPTY = encode_batch(7, [(0, 0, None, None, None)])
assert len(_EXAMPLE_EMPTY) == 68 and _EXAMPLE_EMPTY[61:].hex() == "0c000000010100"
assert batch_crc(7, _EXAMPLE_EMPTY) == 1608485468 and _EXAMPLE_EMPTY[17:21].hex() == "34bb9273"


def size_of(key, value, headers):
    """A record's size (FORMAT.md section 3): its key, value and encoded headers bytes, headers
    counting only when the record has any (None here when it has none)."""
    return sum(0 if field is None else len(field) for field in (key, value, headers))


assert [size_of(*r[2:]) for r in _EXAMPLE_RECORDS] == [25, 7]


def log_table(topic_id, partition):
    # Both numbers come from the file's INTEGER columns, so the name is safe to splice.
    return "log_%d_%d" % (int(topic_id), int(partition))


def keys_table(topic_id, partition):
    # FORMAT.md section 13.1: the key index of a partition of a compacted topic
    return "keys_%d_%d" % (int(topic_id), int(partition))


def hex_or_null(data):
    return None if data is None else bytes(data).hex()


# ---- Opening ----

def open_log(path, busy_timeout_ms):
    """Opens an existing file read-write (never creating one) in autocommit mode, so that
    every transaction is begun explicitly, and checks that it is a onelog file we can read."""
    # FORMAT.md section 5: the path percent-encoded, so that '?', '#' and '%' in it stay path
    uri = "file:" + urllib.parse.quote(os.path.abspath(path)) + "?mode=rw"
    try:
        connection = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=busy_timeout_ms / 1000.0)
    except sqlite3.OperationalError as e:
        raise UsageError("cannot open %s: %s" % (path, e))
    application_id = connection.execute("PRAGMA application_id").fetchone()[0]
    if application_id != APPLICATION_ID:
        connection.close()
        raise UsageError("%s is not a onelog file (application_id %d, expected %d)" % (path, application_id, APPLICATION_ID))
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    if version != FORMAT_VERSION:
        # FORMAT.md sections 5 and 11: refuse either way and change nothing; upgrading an older
        # file is Java's work (a program written from the page knows only format 6)
        connection.close()
        raise UsageError("%s is of format %d, %s than format %d that this program reads; %s"
                         % (path, version, "newer" if version > FORMAT_VERSION else "older", FORMAT_VERSION,
                            "it needs a program that knows format %d" % version
                            if version > FORMAT_VERSION else
                            "Java's onelog upgrades it when it opens it to write (FORMAT.md section 11)"))
    return connection


def find_topic(connection, topic):
    row = connection.execute("SELECT id, partitions FROM topics WHERE name = ?", (topic,)).fetchone()
    if row is None:
        known = [r[0] for r in connection.execute("SELECT name FROM topics ORDER BY name")]
        raise UsageError("topic '%s' does not exist; known topics: %s" % (topic, known))
    return row


def compacts(connection, topic_id):
    """Whether the topic's cleanup_policy compacts (compact or compact,delete), read now: inside
    the caller's transaction, since another process may alter it (FORMAT.md section 7)."""
    (policy,) = connection.execute("SELECT cleanup_policy FROM topics WHERE id = ?", (topic_id,)).fetchone()
    if policy not in CLEANUP_POLICIES:
        raise FormatError("topic id %d has cleanup_policy %r, not one of %s" % (topic_id, policy, CLEANUP_POLICIES))
    return policy != "delete"


# ---- Reading: FORMAT.md section 6 ----

def read_topic(connection, topic, from_offset, out):
    """Prints the records of every partition, checking CRCs, batches, headers and invariants,
    in one read transaction so that the counters and the rows are of the same commit."""
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
                           record_count, size_bytes, from_offset, out)
    finally:
        connection.execute("COMMIT")


def read_partition(connection, topic, topic_id, partition, log_start_offset, next_offset,
                   record_count, size_bytes, from_offset, out):
    where = "%s-%d" % (topic, partition)
    select = ("SELECT last_offset, base_offset, record_count, max_timestamp_ms, records, crc"
              " FROM %s WHERE last_offset >= ? ORDER BY last_offset LIMIT ?"
              % log_table(topic_id, partition))
    whole = from_offset is None or from_offset <= log_start_offset
    position = log_start_offset if whole else from_offset
    previous_last = None
    batches = 0
    count = 0
    printed = 0
    total_bytes = 0
    while True:
        rows = connection.execute(select, (position, READ_BATCHES_PER_QUERY)).fetchall()
        if not rows:
            break
        for last_offset, base_offset, batch_count, max_timestamp_ms, records, crc in rows:
            batch = "%s batch %d..%d" % (where, base_offset, last_offset)
            if not isinstance(records, bytes):
                raise FormatError("%s: records is stored as %s, not as a BLOB" % (batch, type(records).__name__))
            computed = batch_crc(base_offset, records)
            if computed != crc:
                raise FormatError("%s does not match its CRC32C: stored %d, computed %d"
                                  % (batch, crc, computed))
            if previous_last is not None and base_offset <= previous_last:
                raise FormatError("%s: base_offset is not above the previous batch's last offset %d"
                                  % (batch, previous_last))
            decoded = decode_batch(base_offset, records, batch)
            check_batch(batch, decoded, last_offset, batch_count, max_timestamp_ms,
                        log_start_offset, next_offset)
            lines = []  # printed once the whole batch checked out
            for record in decoded:
                line = record_line(topic, partition, record, batch)  # decodes the headers
                offset, _, key, value, headers = record
                total_bytes += size_of(key, value, headers)
                if from_offset is not None and offset < from_offset:
                    continue
                lines.append(json.dumps(line, separators=(",", ":")) + "\n")
            out.writelines(lines)
            previous_last = last_offset
            batches += 1
            count += len(decoded)
            printed += len(lines)
        position = rows[-1][0] + 1  # the next batch ends above this one's last offset
    if whole and count != record_count:
        raise FormatError("%s: record_count is %d but the batches hold %d records" % (where, record_count, count))
    if whole and total_bytes != size_bytes:
        raise FormatError("%s: size_bytes is %d but the records hold %d" % (where, size_bytes, total_bytes))
    out.write(json.dumps({"partition_read": {"topic": topic, "partition": partition,
                                             "batches": batches, "records": printed,
                                             "newest_timestamp_ms": newest_timestamp_ms(
                                                 connection, topic_id, partition)}},
                         separators=(",", ":")) + "\n")


def record_line(topic, partition, record, batch):
    """A decoded record as the JSON object this program prints, its headers decoded."""
    offset, timestamp_ms, key, value, headers = record
    try:
        decoded_headers = decode_headers(headers)
    except FormatError as e:
        raise FormatError("%s, offset %d: %s" % (batch, offset, e))
    return {
        "topic": topic,
        "partition": partition,
        "offset": offset,
        "timestamp_ms": timestamp_ms,
        "key": hex_or_null(key),
        "value": hex_or_null(value),
        "headers": [[name, hex_or_null(v)] for name, v in decoded_headers],
    }


def newest_timestamp_ms(connection, topic_id, partition):
    """FORMAT.md section 6: the newest batch's max_timestamp_ms, the largest timestamp in
    it; None when the partition holds no records."""
    row = connection.execute("SELECT max_timestamp_ms FROM %s ORDER BY last_offset DESC LIMIT 1"
                             % log_table(topic_id, partition)).fetchone()
    return None if row is None else row[0]


def check_batch(batch, decoded, last_offset, record_count, max_timestamp_ms, log_start_offset,
                next_offset):
    """FORMAT.md section 4: the row's columns agree with its records, which lie in
    [log_start_offset, next_offset)."""
    if not decoded:
        raise FormatError("%s holds no records" % batch)
    if decoded[-1][0] != last_offset:
        raise FormatError("%s: its last record is at offset %d" % (batch, decoded[-1][0]))
    if len(decoded) != record_count:
        raise FormatError("%s: record_count is %d but it holds %d records" % (batch, record_count, len(decoded)))
    largest = max(record[1] for record in decoded)
    if largest != max_timestamp_ms:
        raise FormatError("%s: max_timestamp_ms is %d but its records' largest is %d"
                          % (batch, max_timestamp_ms, largest))
    if not log_start_offset <= decoded[0][0] or not last_offset < next_offset:
        raise FormatError("%s is not within [log_start_offset %d, next_offset %d)"
                          % (batch, log_start_offset, next_offset))


# ---- Appending: FORMAT.md section 7 ----

def records_to_append(count, timestamp_ms, key, value, more_keys=None):
    """The (timestamp_ms, key, value, encoded_headers) of the records --count asks for; record
    i >= 1 has no key, or with more_keys the key more_keys[(i - 1) % len(more_keys)]."""
    records = [(timestamp_ms + count - 1, key, value, encode_headers(APPENDED_HEADERS))]
    for i in range(1, count):
        records.append((timestamp_ms + count - 1 - i,
                        more_keys[(i - 1) % len(more_keys)] if more_keys else None,
                        None if i % 2 == 0 else value + (" %d" % i).encode("utf-8"), None))
    return records


def append(connection, topic, partition, records):
    """Appends the records as one batch to the partition, or when it is None to the partition
    of the first record's key (FORMAT.md section 7); returns the partition and the row's
    columns once COMMIT has returned. To a compacted topic, refuses a batch with a record
    without a key."""
    size = sum(size_of(key, value, headers) for _, key, value, headers in records)
    max_timestamp_ms = max(record[0] for record in records)
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute("BEGIN IMMEDIATE")
    try:
        topic_id, partitions = find_topic(connection, topic)
        if partition is None:
            partition = partition_of(records[0][1], partitions)
        row = connection.execute(
            "SELECT next_offset FROM partitions WHERE topic_id = ? AND partition = ?",
            (topic_id, partition)).fetchone()
        if row is None:
            raise UsageError("topic '%s' has no partition %d" % (topic, partition))
        compacted = compacts(connection, topic_id)
        if compacted and any(record[1] is None for record in records):
            # FORMAT.md section 7, a compacted topic: refused as Java and Kafka refuse it
            raise UsageError(
                "topic '%s' is compacted (it keeps the newest record of each key), so a record"
                " without a key cannot be appended to %s-%d; give the record a key, or change the"
                " topic's cleanup policy to delete" % (topic, topic, partition))
        base_offset = row[0]
        last_offset = base_offset + len(records) - 1
        # The blob holds its base offset (FORMAT.md section 3): it is encoded once that is known.
        batch = encode_batch(base_offset, [(i,) + record for i, record in enumerate(records)])
        assert [record[1:] for record in decode_batch(base_offset, batch, "appended")] == records
        crc = batch_crc(base_offset, batch)
        connection.execute(
            "INSERT INTO %s (last_offset, base_offset, record_count, max_timestamp_ms, records, crc)"
            " VALUES (?, ?, ?, ?, ?, ?)" % log_table(topic_id, partition),
            (last_offset, base_offset, len(records), max_timestamp_ms, batch, crc))
        connection.execute(
            "UPDATE partitions SET next_offset = ?, record_count = record_count + ?,"
            " size_bytes = size_bytes + ? WHERE topic_id = ? AND partition = ?",
            (last_offset + 1, len(records), size, topic_id, partition))
        # A compacted topic's key index is not touched: the cleaner indexes the records above
        # the partition's indexed_offset later (FORMAT.md section 13.1).
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    return {"partition": partition, "base_offset": base_offset, "last_offset": last_offset,
            "record_count": len(records), "max_timestamp_ms": max_timestamp_ms, "size_bytes": size,
            "crc": crc}


# ---- The latest record of a key: FORMAT.md section 13.2 ----

def read_latest(connection, topic, keys, partition, out):
    """Prints the newest record of each key, or null, in one read transaction."""
    connection.execute("BEGIN")
    try:
        topic_id, partitions = find_topic(connection, topic)
        if not compacts(connection, topic_id):
            raise UsageError(
                "topic '%s' has cleanup policy delete, so it keeps no key index; latest-by-key"
                " reads need policy compact or compact,delete (alter the topic to change it)" % topic)
        if partition is not None and partition >= partitions:
            raise UsageError("topic '%s' has no partition %d; its partitions are 0..%d"
                             % (topic, partition, partitions - 1))
        lines = []  # printed once everything is read
        for key in keys:
            p = partition_of(key, partitions) if partition is None else partition
            lines.append({"latest": {"topic": topic, "partition": p, "key": key.hex(),
                                     "record": latest_record(connection, topic, topic_id, p, key)}})
        out.writelines(json.dumps(line, separators=(",", ":")) + "\n" for line in lines)
    finally:
        connection.execute("COMMIT")


def latest_record(connection, topic, topic_id, partition, key):
    """The key's newest record as a record line, or None, as FORMAT.md section 13.2 reads it
    inside the caller's read transaction: first the batches from the partition's indexed_offset
    up, newest first, then the key index's one statement."""
    log = log_table(topic_id, partition)
    for row in connection.execute(
            "SELECT base_offset, records, crc, last_offset FROM %s WHERE last_offset >="
            " (SELECT indexed_offset FROM cleaner_points WHERE topic_id = ? AND partition = ?)"
            " ORDER BY last_offset DESC" % log, (topic_id, partition)):
        base_offset, records, crc, last_offset = row
        decoded, batch = checked_batch(topic, partition, base_offset, records, crc, last_offset)
        mine = [record for record in decoded if record[2] == key]
        if mine:
            return None if mine[-1][3] is None else record_line(topic, partition, mine[-1], batch)
    row = connection.execute(
        "SELECT l.base_offset, l.records, l.crc, l.last_offset, k.latest_offset"
        "  FROM %s k JOIN %s l"
        "    ON l.last_offset = (SELECT min(last_offset) FROM %s WHERE last_offset >= k.latest_offset)"
        " WHERE k.key = ?" % (keys_table(topic_id, partition), log, log), (key,)).fetchone()
    if row is None:
        return None  # no record of the key in the partition
    base_offset, records, crc, last_offset, latest_offset = row
    decoded, batch = checked_batch(topic, partition, base_offset, records, crc, last_offset)
    for record in decoded:
        if record[0] == latest_offset:
            line = record_line(topic, partition, record, batch)
            if record[2] != key or record[3] is None:
                return None  # a record of another key, or a tombstone: the key has none
            return line
    return None  # the batch does not hold that offset: no record either


def checked_batch(topic, partition, base_offset, records, crc, last_offset):
    """A batch's records decoded after its CRC32C is checked, and its name for messages."""
    batch = "%s-%d batch %d..%d" % (topic, partition, base_offset, last_offset)
    if not isinstance(records, bytes):
        raise FormatError("%s: records is stored as %s, not as a BLOB" % (batch, type(records).__name__))
    computed = batch_crc(base_offset, records)
    if computed != crc:
        raise FormatError("%s does not match its CRC32C: stored %d, computed %d" % (batch, crc, computed))
    decoded = decode_batch(base_offset, records, batch)
    if not decoded:
        raise FormatError("%s holds no records" % batch)
    if decoded[-1][0] != last_offset:  # the row's last_offset is not under the CRC (section 6)
        raise FormatError("%s: its last record is at offset %d" % (batch, decoded[-1][0]))
    return decoded, batch


# ---- Consumer groups: FORMAT.md section 12 ----

def utf16_length(text, what):
    """The length of the text as FORMAT.md section 12.1 counts it: in UTF-16 code units, as
    Java's String.length() does, so a character beyond U+FFFF counts 2."""
    try:
        return len(text.encode("utf-16-le")) // 2
    except UnicodeEncodeError:
        raise UsageError("%s is not valid text: %r" % (what, text))


def is_java_white_space(char):
    """Java's Character.isWhitespace, which FORMAT.md section 12.1 uses for a blank group id:
    Unicode's space, line and paragraph separators except the no-break spaces, and tab, line
    feed, U+000B, form feed, carriage return and U+001C to U+001F."""
    if char in "\u00a0\u2007\u202f":
        return False
    return unicodedata.category(char) in ("Zs", "Zl", "Zp") or char in "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f"


def check_group_id(group):
    """FORMAT.md section 12.1: 1 to 249 UTF-16 code units, not blank; Java's messages."""
    if all(is_java_white_space(char) for char in group):
        raise UsageError("a group id must not be empty or blank")
    length = utf16_length(group, "the group id")
    if length > MAX_GROUP_ID_LENGTH:
        raise UsageError("group id is %d characters long; the limit is %d" % (length, MAX_GROUP_ID_LENGTH))


def now_ms():
    """FORMAT.md section 12: the wall clock, in milliseconds since 1970, as every process of the
    file on this host reads it."""
    return int(time.time() * 1000)


def live_members(connection, group, at_ms):
    """The group's live members at at_ms, as (member_id, client) ordered by member id: those
    whose heartbeat_at_ms + session_timeout_ms >= at_ms (FORMAT.md section 12.1). A row that
    is not live is an expired member: it blocks nothing and owns nothing any more."""
    return connection.execute(
        "SELECT member_id, client FROM group_members"
        " WHERE group_id = ? AND heartbeat_at_ms + session_timeout_ms >= ? ORDER BY member_id",
        (group, at_ms)).fetchall()


def read_groups(connection, group, out):
    """Prints every group's committed offsets with the lag, then the live members and the
    partitions they hold (FORMAT.md section 12.2), in one read transaction."""
    connection.execute("BEGIN")
    try:
        groups = [row[0] for row in connection.execute(
            "SELECT group_id FROM consumer_groups ORDER BY group_id")]
        if group is not None and group not in groups:
            raise UsageError("group '%s' does not exist; known groups: [%s]" % (group, ", ".join(groups)))
        at_ms = now_ms()
        lines = []  # printed once everything is read
        # A committed offset of a partition that does not exist (FORMAT.md section 8 deletes
        # them with their topic) is left out by the joins, as the page's query leaves it out.
        for group_id, topic, partition, committed, start, next_offset, metadata in connection.execute(
                "SELECT o.group_id, t.name, o.partition, o.committed_offset, p.log_start_offset,"
                " p.next_offset, o.metadata"
                " FROM group_offsets o JOIN topics t ON t.id = o.topic_id"
                " JOIN partitions p ON p.topic_id = o.topic_id AND p.partition = o.partition"
                " WHERE ?1 IS NULL OR o.group_id = ?1 ORDER BY o.group_id, t.name, o.partition",
                (group,)):
            lines.append({"group_offset": {
                "group": group_id, "topic": topic, "partition": partition,
                "committed_offset": committed, "log_start_offset": start,
                "next_offset": next_offset,
                # section 12.2: how many offsets it is behind; 0 when committed past the end
                "lag": max(next_offset - committed, 0),
                "metadata": metadata}})
        for group_id in groups if group is None else [group]:
            for member_id, client in live_members(connection, group_id, at_ms):
                owned = connection.execute(
                    "SELECT t.name, l.partition FROM group_partitions l"
                    " JOIN topics t ON t.id = l.topic_id"
                    " WHERE l.group_id = ? AND l.owner_member = ? ORDER BY t.name, l.partition",
                    (group_id, member_id)).fetchall()
                lines.append({"group_member": {
                    "group": group_id, "member": member_id, "client": client,
                    "owned": [[topic, partition] for topic, partition in owned]}})
        out.writelines(json.dumps(line, separators=(",", ":")) + "\n" for line in lines)
    finally:
        connection.execute("COMMIT")


def commit_offsets(connection, group, offsets, metadata):
    """Commits (topic, partition, offset) triples for a group without live members, all or
    nothing, as FORMAT.md section 12.5 says a program that is not a member may; returns the
    rows as committed once COMMIT has returned."""
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute("BEGIN IMMEDIATE")
    try:
        # Read the clock once the write lock is held: the members' liveness is checked as of
        # the moment this transaction commits, not of when it started waiting.
        at_ms = now_ms()
        live = live_members(connection, group, at_ms)
        if live:
            raise UsageError(
                "group '%s' has live members [%s], so format_interop will not commit offsets"
                " without a member; stop them (or wait for their sessions to expire) and try"
                " again" % (group, ", ".join("%s (%s)" % member for member in live)))
        rows = []
        for topic, partition, offset in offsets:
            topic_id, partitions = find_topic(connection, topic)
            if partition >= partitions:
                raise UsageError("topic '%s' has no partition %d; its partitions are 0..%d"
                                 % (topic, partition, partitions - 1))
            rows.append((topic_id, topic, partition, offset))
        if connection.execute("SELECT 1 FROM consumer_groups WHERE group_id = ?", (group,)).fetchone() is None:
            connection.execute(
                "INSERT INTO consumer_groups (group_id, generation, assignor, created_at_ms, updated_at_ms)"
                " VALUES (?, 0, 'sticky', ?, ?)", (group, at_ms, at_ms))
        for topic_id, _, partition, offset in rows:
            connection.execute(
                "INSERT INTO group_offsets (group_id, topic_id, partition, committed_offset, metadata, committed_at_ms)"
                " VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (group_id, topic_id, partition) DO UPDATE SET"
                " committed_offset = excluded.committed_offset, metadata = excluded.metadata,"
                " committed_at_ms = excluded.committed_at_ms",
                (group, topic_id, partition, offset, metadata, at_ms))
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    return [{"group": group, "topic": topic, "partition": partition, "offset": offset,
             "metadata": metadata, "committed_at_ms": at_ms}
            for _, topic, partition, offset in rows]


# ---- Command line ----

def parse_options(argv, options, integers, flags):
    """Sets options from "--name VALUE" pairs (an integer for the names in integers) and from
    flags ("--flag": (name, value)); returns the other arguments, in order."""
    positional = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in flags:
            name, value = flags[arg]
            options[name] = value
        elif arg.startswith("--") and arg[2:].replace("-", "_") in options:
            if i + 1 >= len(argv):
                raise UsageError(arg + " needs a value")
            i += 1
            name = arg[2:].replace("-", "_")
            if name in integers:
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
    return positional


def parse_args(argv):
    if argv and argv[0] == "latest":
        return parse_latest_args(argv[1:])
    if argv and argv[0] in SUBCOMMANDS:
        return parse_group_args(argv[0], argv[1:])
    options = {"command": "records", "read": True, "append": True, "from_offset": None,
               "partition": None, "count": 1, "key": "py-key", "more_keys": None,
               "value": "py-value", "timestamp_ms": None, "busy_timeout_ms": 5000}
    positional = parse_options(
        argv, options, ("from_offset", "partition", "count", "timestamp_ms", "busy_timeout_ms"),
        {"--read-only": ("append", False), "--append-only": ("read", False)})
    if len(positional) != 2:
        raise UsageError("expected FILE and TOPIC, got %s" % positional)
    if not options["read"] and not options["append"]:
        raise UsageError("--read-only and --append-only exclude each other")
    if options["count"] < 1:
        raise UsageError("--count must be at least 1, was %d" % options["count"])
    if options["timestamp_ms"] is not None and options["timestamp_ms"] < 0:
        # FORMAT.md sections 3 and 7: writers store timestamps >= 0; readers accept any int64.
        raise UsageError("--timestamp-ms must be >= 0, was %d" % options["timestamp_ms"])
    options["file"], options["topic"] = positional
    return options


def parse_latest_args(argv):
    options = {"command": "latest", "partition": None, "hex": False, "busy_timeout_ms": 5000}
    positional = parse_options(argv, options, ("partition", "busy_timeout_ms"),
                               {"--hex": ("hex", True)})
    if len(positional) < 3:
        raise UsageError("expected FILE, TOPIC and at least one KEY, got %s" % positional)
    if options["partition"] is not None and options["partition"] < 0:
        raise UsageError("--partition must be >= 0, was %d" % options["partition"])
    options["file"], options["topic"] = positional[:2]
    options["keys"] = []
    for key in positional[2:]:
        if options["hex"]:
            try:
                options["keys"].append(bytes.fromhex(key))
            except ValueError:
                raise UsageError("with --hex, a KEY is its bytes in hex, such as 6b31; got %r" % key)
        else:
            options["keys"].append(key.encode("utf-8"))
    return options


def parse_group_args(command, argv):
    options = {"command": command, "busy_timeout_ms": 5000}
    if command == "commit":
        options["metadata"] = ""
    positional = parse_options(argv, options, ("busy_timeout_ms",), {})
    if command == "groups":
        if len(positional) not in (1, 2):
            raise UsageError("expected FILE and perhaps GROUP, got %s" % positional)
        options["file"] = positional[0]
        options["group"] = positional[1] if len(positional) == 2 else None
        return options
    if len(positional) < 3:
        raise UsageError("expected FILE, GROUP and at least one TOPIC:PARTITION=OFFSET, got %s" % positional)
    options["file"], options["group"] = positional[:2]
    check_group_id(options["group"])
    metadata_length = utf16_length(options["metadata"], "--metadata")
    if metadata_length > MAX_METADATA_LENGTH:
        raise UsageError("metadata is %d characters; the limit is %d" % (metadata_length, MAX_METADATA_LENGTH))
    options["offsets"] = []
    for arg in positional[2:]:
        # topic names are [a-zA-Z0-9._-] (FORMAT.md section 2): no ':' nor '='
        topic, _, rest = arg.rpartition(":")
        partition, _, offset = rest.partition("=")
        try:
            partition, offset = int(partition), int(offset)
        except ValueError:
            raise UsageError("expected TOPIC:PARTITION=OFFSET, such as orders:0=42, got %r" % arg)
        if not topic or partition < 0 or offset < 0:
            raise UsageError("%r: the topic must be given, and partition and offset must be >= 0" % arg)
        if any((topic, partition) == (t, p) for t, p, _ in options["offsets"]):
            raise UsageError("%s:%d is given twice" % (topic, partition))
        options["offsets"].append((topic, partition, offset))
    return options


def print_json(kind, value):
    print(json.dumps({kind: value}, separators=(",", ":")))


def main(argv):
    try:
        options = parse_args(argv)
        connection = open_log(options["file"], options["busy_timeout_ms"])
        try:
            if options["command"] == "groups":
                read_groups(connection, options["group"], sys.stdout)
            elif options["command"] == "latest":
                read_latest(connection, options["topic"], options["keys"], options["partition"],
                            sys.stdout)
            elif options["command"] == "commit":
                for committed in commit_offsets(connection, options["group"], options["offsets"],
                                                options["metadata"]):
                    print_json("committed", committed)
            if options["command"] == "records" and options["read"]:
                read_topic(connection, options["topic"], options["from_offset"], sys.stdout)
            if options["command"] == "records" and options["append"]:
                timestamp_ms = options["timestamp_ms"]
                if timestamp_ms is None:
                    timestamp_ms = now_ms()
                more_keys = options["more_keys"]
                records = records_to_append(options["count"], timestamp_ms,
                                            options["key"].encode("utf-8"),
                                            options["value"].encode("utf-8"),
                                            None if more_keys is None else
                                            [k.encode("utf-8") for k in more_keys.split(",")])
                appended = append(connection, options["topic"], options["partition"], records)
                print_json("appended", dict({"topic": options["topic"]}, **appended))
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
