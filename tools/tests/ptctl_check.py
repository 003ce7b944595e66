#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Checks of ptctl's output against independent truth (run by tools/tests/ptctl-check).

  gen-trace SEED OUT [MODEL.json]  write an ftrace-style iommu trace and what a model
                                   of it predicts (leaves, tables, failures)
  replay TRACE REPLAY.json         replay's counts against the model of the trace
  json TEXT JSON                   --json output against the text output of one script
  svg SVG DUMP.json                a draw picture: well-formed, regions match the dump
  real TRACE REPLAY.json           replay of a captured trace against the trace's sums

Exit status 0 when every check holds; the failures are printed.
"""
import json
import random
import sys
import xml.etree.ElementTree as ET

K4, M2, G1 = 1 << 12, 1 << 21, 1 << 30


def fail(msg):
    print("ptctl_check: FAIL: " + msg)
    sys.exit(1)


# ---- the trace and its model ----

def split(iova, pa, size, pgsizes):
    """Linux's iommu_pgsize() choice, one leaf at a time: the largest page
    size that the IOVA and PA alignment and the remaining length allow."""
    leaves = []
    while size:
        pg = max(p for p in pgsizes if not (iova | pa) % p and p <= size)
        leaves.append((iova, pg))
        iova += pg
        pa += pg
        size -= pg
    return leaves


def tables_needed(leaves, levels, pgsizes):
    """Tables of a tree of 4K tables of 512 entries holding these leaves:
    the root, and at each lower level one per distinct span that holds a
    leaf at that level or below. Computed from the leaves alone."""
    spans = set()
    for iova, pg in leaves:
        leaf_level = (pg.bit_length() - 1 - 12) // 9
        for j in range(leaf_level, levels - 1):
            spans.add((j, iova >> (12 + 9 * (j + 1))))
    return 1 + len(spans)


def gen_trace(seed, out, model_out=None):
    rnd = random.Random(seed)
    live = {}          # iova -> (pa, size)
    events = []
    overlaps = holes = 0

    def free(iova, size):
        return all(iova + size <= a or a + s <= iova for a, (p, s) in live.items())

    for n in range(1200):
        r = rnd.random()
        if r < 0.62 or not live:
            kind = rnd.random()
            if kind < 0.55:      # a few 4K pages, anywhere
                size = K4 * rnd.randint(1, 64)
                iova = K4 * rnd.randrange(1 << 24)
                pa = K4 * rnd.randrange(1 << 28)
            elif kind < 0.80:    # 2M-aligned blocks, maybe with a 4K tail
                size = M2 * rnd.randint(1, 6) + K4 * rnd.choice([0, 0, 3])
                iova = M2 * rnd.randrange(1 << 15)
                pa = M2 * rnd.randrange(1 << 19)
            elif kind < 0.90:    # aligned IOVA, PA only 4K aligned: 4K leaves
                size = M2 * rnd.randint(1, 2)
                iova = M2 * rnd.randrange(1 << 15)
                pa = M2 * rnd.randrange(1 << 19) + K4 * rnd.randint(1, 511)
            else:                # 1G, and 1G with 2M and 4K around it
                iova = G1 * rnd.randint(1, 60)
                pa = G1 * rnd.randrange(1, 1 << 10)
                size = G1
                if rnd.random() < 0.5:
                    iova -= M2 + K4
                    pa -= M2 + K4
                    size += M2 + K4 + M2
            if not free(iova, size):
                if overlaps < 6 and live:
                    # Linux would have refused it; ptlab must too.
                    events.append(("map", iova, pa, size, None))
                    overlaps += 1
                continue
            live[iova] = (pa, size)
            events.append(("map", iova, pa, size, None))
        elif r < 0.97:
            iova = rnd.choice(sorted(live))
            pa, size = live.pop(iova)
            events.append(("unmap", iova, None, size, size))
        else:
            # A hole far above everything mapped: unmapped_size 0.
            events.append(("unmap", (1 << 37) + K4 * rnd.randrange(1 << 20), None, K4, 0))
            holes += 1

    with open(out, "w") as f:
        f.write("# tracer: nop\n#\n# entries-in-buffer/entries-written: %d/%d   #P:2\n#\n" %
                (len(events), len(events)))
        f.write("#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n")
        t = 1.0
        for i, (ev, iova, pa, size, unmapped) in enumerate(events):
            t += rnd.random() / 1000
            if i % 7 == 3:   # trace-cmd report's layout
                prefix = "     kworker/u4:1-57    [001] %12.6f: " % t
            else:            # ftrace's
                prefix = "     kworker/u4:1-57      [001] ..... %12.6f: " % t
            if ev == "map":
                f.write(prefix + "map: IOMMU: iova=0x%016x - 0x%016x paddr=0x%016x size=%d\n" %
                        (iova, iova + size, pa, size))
            else:
                f.write(prefix + "unmap: IOMMU: iova=0x%016x - 0x%016x size=%d unmapped_size=%d\n" %
                        (iova, iova + size, size, unmapped))
            if i % 97 == 5:  # other events are skipped
                f.write(prefix + "attach_device_to_domain: IOMMU: device=0000:00:03.0\n")
    if model_out:
        with open(model_out, "w") as f:
            json.dump({"events": [list(e) for e in events]}, f)
    return events


def model(events, pgsizes, levels):
    """The state after each event, as Linux's semantics and ptlab's say.
    Tables are counted as tables_needed() does, kept up to date a map or
    an unmap at a time (a span's table lives while it holds a leaf)."""
    live = {}
    spans = {}
    peak = tables_needed([], levels, pgsizes)
    map_fail = unmap_fail = 0

    def account(iova, pa, size, d):
        for a, pg in split(iova, pa, size, pgsizes):
            leaf_level = (pg.bit_length() - 1 - 12) // 9
            for j in range(leaf_level, levels - 1):
                key = (j, a >> (12 + 9 * (j + 1)))
                spans[key] = spans.get(key, 0) + d
                if not spans[key]:
                    del spans[key]

    for ev, iova, pa, size, unmapped in events:
        if ev == "map":
            if any(not (iova + size <= a or a + s <= iova) for a, (p, s) in live.items()):
                map_fail += 1       # EADDRINUSE, nothing changed
                continue
            live[iova] = (pa, size)
            account(iova, pa, size, 1)
            peak = max(peak, 1 + len(spans))
        else:
            if iova in live:
                account(iova, live[iova][0], live[iova][1], -1)
                del live[iova]
            else:
                unmap_fail += 1     # ENOENT: nothing mapped there
    leaves = [l for a, (p, s) in live.items() for l in split(a, p, s, pgsizes)]
    by_size = {}
    for _, pg in leaves:
        by_size[pg] = by_size.get(pg, 0) + 1
    tables = tables_needed(leaves, levels, pgsizes)
    assert tables == 1 + len(spans), (tables, len(spans))
    return {
        "table_pages": tables,
        "table_pages_peak": peak,
        "leaves": by_size,
        "map_failures": map_fail,
        "unmap_failures": unmap_fail,
        "mapped_bytes": sum(s for p, s in live.values()),
    }


def size_name(n):
    for unit, shift in (("G", 30), ("M", 20), ("K", 10)):
        if n >= 1 << shift and not n % (1 << shift):
            return "%d%s" % (n >> shift, unit)
    return str(n)


def check_replay(trace, replay_json, seed):
    events = gen_trace(seed, trace + ".again")
    with open(trace) as a, open(trace + ".again") as b:
        if a.read() != b.read():
            fail("the trace is not the one seed %d generates" % seed)
    rep = json.load(open(replay_json))
    maps = sum(1 for e in events if e[0] == "map")
    if rep["maps"] != maps or rep["unmaps"] != len(events) - maps or rep["skipped"] != 0:
        fail("replay read %d maps, %d unmaps, %d skipped; the trace has %d, %d" %
             (rep["maps"], rep["unmaps"], rep["skipped"], maps, len(events) - maps))
    checked = 0
    for r in rep["formats"]:
        if "errno" in r:
            fail("%s: create failed: %s" % (r["format"], r["error"]))
        pgsizes = [p for p in r["pgsizes"] if p in (K4, M2, G1)]
        m = model(events, pgsizes, r["levels"])
        got = {
            "table_pages": r["table_pages"],
            "table_pages_peak": r["table_pages_peak"],
            "leaves": {int(size_name_inv(k)): v for k, v in r["leaves"].items()},
            "map_failures": r["map_failures"].get("EADDRINUSE", 0),
            "unmap_failures": r["unmap_failures"].get("ENOENT", 0),
            "mapped_bytes": r["mapped_bytes"],
        }
        other = sum(v for k, v in r["map_failures"].items() if k != "EADDRINUSE") + \
            sum(v for k, v in r["unmap_failures"].items() if k != "ENOENT")
        if got != m or other or r["unmapped_differs"]:
            fail("%s: replay %s, other failures %d, unmapped_differs %d; model %s" %
                 (r["format"], got, other, r["unmapped_differs"], m))
        print("ptctl_check: replay %s: %d table pages (peak %d), leaves %s, %d+%d failures: as the model" %
              (r["format"], m["table_pages"], m["table_pages_peak"],
               {size_name(k): v for k, v in sorted(m["leaves"].items())},
               m["map_failures"], m["unmap_failures"]))
        checked += 1
    if not checked:
        fail("no format replayed")


def size_name_inv(s):
    mult = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
    return int(s[:-1]) * mult[s[-1]] if s[-1] in mult else int(s)


# ---- --json against text ----

def merge_runs(runs):
    out = []
    for r in sorted(runs):
        if out and out[-1][1] + 1 == r[0] and out[-1][2:] == r[2:]:
            out[-1] = (out[-1][0], r[1]) + r[2:]
        else:
            out.append(r)
    return out


def parse_text(path):
    """The text output as a list of (command, {key: value}) records, using
    the keys each command prints."""
    recs = []
    cur = None
    for line in open(path):
        line = line.rstrip("\n")
        if line.startswith("# debugfs "):
            cur = {"dump": line.rsplit("/", 1)[1], "lines": []}
            recs.append(("dump", cur))
            continue
        if line.startswith("#"):
            if cur is not None and "lines" in cur:
                cur["lines"].append(line)
            continue
        if cur is not None and "lines" in cur:
            if (cur["dump"] == "table_pages" and not cur["lines"]) or \
                    (cur["dump"] == "mappings" and line.startswith("0x")):
                cur["lines"].append(line)
                continue
            cur = None
        key, _, val = line.partition(" ")
        recs.append((key, val))
    return recs


def check_json(text_path, json_path):
    objs = [json.loads(l) for l in open(json_path)]
    text = parse_text(text_path)
    ti = 0

    def take(key):
        nonlocal ti
        while ti < len(text) and text[ti][0] != key:
            ti += 1
        if ti == len(text):
            fail("text output has no more '%s' lines" % key)
        ti += 1
        return text[ti - 1][1]

    def take_block(keys):
        return {k: take(k) for k in keys}

    n = 0
    last_info = None
    text_regs = {}
    for o in objs:
        c = o["command"]
        if c == "create":
            assert int(take("id")) == o["id"], o
        elif c in ("map", "mapphys"):
            assert int(take("mapped")) == o["mapped"], o
            if c == "mapphys":
                assert take("kind") == o["kind"], o
        elif c == "unmap":
            assert int(take("unmapped")) == o["unmapped"], o
        elif c == "info":
            last_info = o
            t = take_block(["id", "format", "granule", "ias", "oas", "levels", "pgsizes",
                            "root_pa"])
            text_regs = {}
            for reg, val in o["regs"].items():
                int(val, 16)
                text_regs[reg] = int(take(reg), 16)
            t.update(take_block(["table_pages", "mapped_bytes"]))
            assert int(t["id"]) == o["id"] and t["format"] == o["format"], (t, o)
            assert size_name_inv(t["granule"]) == o["granule"], (t, o)
            assert [size_name_inv(s) for s in t["pgsizes"].split(",")] == o["pgsizes"], (t, o)
            for k in ("ias", "oas", "levels", "table_pages", "mapped_bytes"):
                assert int(t[k]) == o[k], (k, t, o)
        elif c == "walk":
            assert int(take("iova"), 16) == int(o["iova"], 16), o
            if o["mapped"]:
                assert size_name_inv(take("pgsize")) == o["pgsize"], o
                assert take("level") == "%d %s" % (o["level"], o["level_name"]), o
                assert take("prot") == o["prot"], o
            for e in o["entries"]:
                assert take("entry").split()[:2] == [str(e["level"]), e["name"]], (e, o)
        elif c == "dump":
            if "mappings" in o:
                rec = take("dump")
                assert rec["dump"] == "mappings", rec
                # The text and JSON runs are two runs of the script: user
                # memory got other physical pages, so runs split where PA
                # contiguity ended differ. Compare the IOVA ranges of each
                # prot, page size and kind, merged.
                text_runs = []
                for r in (l.split() for l in rec["lines"] if l.startswith("0x")):
                    first, last = r[0].split("-")
                    assert int(last, 16) - int(first, 16) + 1 == int(r[1], 16), r
                    text_runs.append((int(first, 16), int(last, 16), r[3], size_name_inv(r[4]),
                                      r[5] if len(r) > 5 else "user"))
                json_runs = []
                for j in o["mappings"]:
                    int(j["pa"], 16)
                    assert int(j["iova_last"], 16) - int(j["iova_first"], 16) + 1 == j["size"], j
                    json_runs.append((int(j["iova_first"], 16), int(j["iova_last"], 16),
                                      j["prot"], j["pgsize"], j["kind"]))
                assert merge_runs(text_runs) == merge_runs(json_runs), (text_runs, json_runs)
            if "regs" in o:
                rec = take("dump")
                assert rec["dump"] == "regs", rec
                # debugfs names the values as ptctl's info does.
                assert o["regs"] == last_info["regs"], (o, last_info)
                # Each run against its own info (the two runs' tables differ).
                for k in o["regs"]:
                    assert int(take(k), 16) == text_regs[k], (k, text_regs)
            if "table_pages" in o:
                rec = take("dump")
                assert rec["dump"] == "table_pages", rec
                assert int(rec["lines"][0]) == o["table_pages"], (rec, o)
        elif c == "snapshot":
            assert take("snapshot").split()[0] == str(o["bytes"]), o
        elif c == "attach":
            assert int(take("dev")) == o["dev"], o
        elif c == "dma":
            assert int(take("done")) == o["done"], o
            if o["fault"]:
                assert take("fault") == o["fault"], o
            if "first" in o:
                assert take("first").split() == [o["first"], "checksum", o["checksum"]], o
        elif c == "faults":
            assert take("faults").split() == [str(o["faults"]), "overflow", str(o["overflow"])], o
            for rec in o["records"]:
                f = take("fault").split()
                assert f[0] == rec["kind"] and int(f[2], 16) == int(rec["iova"], 16), (f, rec)
                assert int(f[4], 16) == rec["access"] and int(f[6]) == rec["level"], (f, rec)
        elif c == "iotlb":
            for k, v in o.items():
                if k in ("command", "dev"):
                    continue
                t = take(k)
                want = "%d/%d" % (v["used"], v["size"]) if isinstance(v, dict) else str(v)
                assert t == want, (k, t, v)
        elif c == "dirty":
            assert int(take("dirty")) == o["dirty"], o
            assert sum(r["pages"] for r in o["runs"]) == o["dirty"], o
            for r in o["runs"]:
                assert int(take("%s-%s" % (r["first"], r["last"]))) == r["pages"], (r, o)
        elif c in ("destroy", "detach", "draw"):
            pass
        else:
            fail("unknown command in JSON: %s" % c)
        n += 1
    commands = {o["command"] for o in objs}
    print("ptctl_check: %d JSON objects match the text output (%s)" % (n, " ".join(sorted(commands))))


# ---- draw ----

def check_svg(svg_path, dump_json):
    root = ET.parse(svg_path).getroot()     # raises on malformed XML
    ns = "{http://www.w3.org/2000/svg}"
    if root.tag != ns + "svg":
        fail("root element is %s" % root.tag)
    lo, binsz, nbins = int(root.get("data-lo"), 16), int(root.get("data-bin"), 16), \
        int(root.get("data-bins"))
    drawn = {}
    elems = 0
    for el in root.iter():
        elems += 1
        if el.get("data-kind"):
            key = (el.get("data-kind"), int(el.get("data-pgsize")), int(el.get("data-bin")))
            drawn[key] = drawn.get(key, 0) + int(el.get("data-bytes"))
    dumps = [json.loads(l) for l in open(dump_json)]
    dump = [d for d in dumps if d["command"] == "dump" and "mappings" in d][-1]
    info = [d for d in dumps if d["command"] == "info"][-1]
    want = {}
    kinds = {"user": "RAM", "phys-ram": "RAM", "phys-mmio": "MMIO", "firmware": "firmware"}
    for m in dump["mappings"]:
        a, last = int(m["iova_first"], 16), int(m["iova_last"], 16)
        while a <= last:
            b = (a - lo) // binsz
            if not 0 <= b < nbins:
                fail("run 0x%x lies outside the picture's bins" % a)
            stop = min(last, lo + (b + 1) * binsz - 1)
            key = (kinds[m["kind"]], m["pgsize"], b)
            want[key] = want.get(key, 0) + stop - a + 1
            a = stop + 1
    if drawn != want:
        fail("the picture's regions differ from the dump: %s" %
             sorted(set(drawn.items()) ^ set(want.items()))[:10])
    levels = [g for g in root.iter(ns + "g") if g.get("data-level") is not None]
    tables = sum(int(g.get("data-tables")) for g in levels)
    if tables != info["table_pages"] or int(root.get("data-table-pages")) != info["table_pages"]:
        fail("tables per level add up to %d; info says %d table pages" %
             (tables, info["table_pages"]))
    print("ptctl_check: %s: %d elements, %d bins of 0x%x, %d regions as in the dump, "
          "tables per level %s = %d table pages" %
          (svg_path, elems, nbins, binsz, len(drawn),
           [int(g.get("data-tables")) for g in levels], tables))
    return elems


def check_real(trace, replay_json):
    """A captured trace: the counts against the trace's own arithmetic."""
    maps, unmaps = [], []
    for line in open(trace):
        if "IOMMU: iova=" not in line:
            continue
        f = dict(kv.split("=") for kv in line.split("IOMMU: ")[1].split() if "=" in kv)
        if "paddr" in f:
            maps.append((int(f["iova"], 16), int(f["paddr"], 16), int(f["size"], 0)))
        else:
            unmaps.append((int(f["iova"], 16), int(f["size"], 0), int(f["unmapped_size"], 0)))
    rep = json.load(open(replay_json))
    if rep["maps"] != len(maps) or rep["unmaps"] != len(unmaps) or not maps:
        fail("replay read %d maps and %d unmaps; the trace has %d and %d" %
             (rep["maps"], rep["unmaps"], len(maps), len(unmaps)))
    live = sum(m[2] for m in maps) - sum(u[2] for u in unmaps)
    for r in rep["formats"]:
        if "errno" in r:
            fail("%s: create failed: %s" % (r["format"], r["error"]))
        gran = min(r["pgsizes"])
        misaligned = sum(1 for m in maps if (m[0] | m[1] | m[2]) % gran)
        if misaligned == 0:
            # Linux mapped and unmapped all of it: so must the replay.
            if r["map_failures"] or r["unmap_failures"] or r["unmapped_differs"] or \
                    r["mapped_bytes"] != live:
                fail("%s: %s, mapped %d bytes; the trace leaves %d mapped" %
                     (r["format"], r, r["mapped_bytes"], live))
        elif r["map_failures"].get("EINVAL", 0) != misaligned:
            fail("%s: %s EINVAL map failures, %d maps not aligned to %d" %
                 (r["format"], r["map_failures"], misaligned, gran))
        print("ptctl_check: real trace, %s: %d table pages, peak %d, leaves %s, "
              "failures %s %s" % (r["format"], r["table_pages"], r["table_pages_peak"],
                                  r["leaves"], r["map_failures"], r["unmap_failures"]))


def main():
    a = sys.argv[1:]
    try:
        if a[0] == "gen-trace":
            gen_trace(int(a[1]), a[2], a[3] if len(a) > 3 else None)
        elif a[0] == "replay":
            check_replay(a[1], a[2], int(a[3]))
        elif a[0] == "json":
            check_json(a[1], a[2])
        elif a[0] == "svg":
            check_svg(a[1], a[2])
        elif a[0] == "real":
            check_real(a[1], a[2])
        else:
            fail("unknown check %s" % a[0])
    except (AssertionError, KeyError, ValueError, ET.ParseError) as e:
        fail("%s: %r" % (a[0], e))


if __name__ == "__main__":
    main()
