#!/usr/bin/env python3
"""vectors.py — replays the reference's function vectors, pattern vectors and the example metafile
through `crtk metafile eval` / `crtk edits --metafile` and compares with the expected values.

usage: vectors.py CRTK SHARED_DIR WORK_DIR
Prints pass/skip/fail counts per file; exit 1 if any vector fails.  Vectors out of scope (Java
null arguments, GenEDITS 4 table structures, BINLOOKUP, the CS DLL without a staging engine,
translation of patterns into Java regexes) are counted as skipped with their reason.
"""
import csv, json, os, sqlite3, subprocess, sys, itertools

crtk, shared, work = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(work, exist_ok=True)
failures = []


def run_eval(stmts, metafile=None):
    cmd = [crtk, "metafile", "eval", "--today", "20261204"]
    if metafile:
        cmd += ["--metafile", metafile]
    p = subprocess.run(cmd + [stmts], capture_output=True, text=True)
    out = {}
    msgs = []
    for line in p.stdout.split("\n"):
        if "=" in line:
            k, v = line.split("=", 1)
            if k == "message":
                msgs.append(v)
            else:
                out[k] = v
    return p.returncode, out, p.stderr


def lit(s):
    if '"' in s or "\n" in s:
        raise ValueError("string not expressible as a GenEDITS literal")
    return '"' + s + '"'


def build_table_metafile(path, table):
    if os.path.exists(path):
        os.remove(path)
    db = sqlite3.connect(path)
    db.executescript("""
      CREATE TABLE EE_Edits (PKey INTEGER PRIMARY KEY, AgencyPKey INTEGER, EditTag, EditName, MessagePKey, LastModDate, Description, EditLogic, AdminNotes);
      CREATE TABLE EE_LookupTables (PKey INTEGER PRIMARY KEY, AgencyPKey, TableName, RecCount, LastModDate, Comments);
    """)
    cols = table["headers"]
    db.execute("CREATE TABLE T1 ([PKey] INTEGER PRIMARY KEY, " + ", ".join("[%s] VARCHAR(20)" % c for c in cols) + ")")
    for row in table["rows"]:
        db.execute("INSERT INTO T1 (" + ",".join("[%s]" % c for c in cols) + ") VALUES (" + ",".join("?" * len(cols)) + ")", row)
    db.execute("INSERT INTO EE_LookupTables VALUES (1, 1, 'T1', ?, '20261204', 'vector table')", (len(table["rows"]),))
    db.commit()
    db.close()


def key_columns(table, index):
    """The ordered column list whose right-trimmed concatenation gives the index keys."""
    cols = table["headers"]
    for n in range(1, len(cols) + 1):
        for combo in itertools.permutations(range(len(cols)), n):
            ok = True
            for key, row in index["keys"]:
                cat = "".join(table["rows"][row][c] for c in combo).rstrip()
                if cat != key:
                    ok = False
                    break
            if ok:
                return [cols[c] for c in combo]
    return None


def function_vectors():
    counts = {"pass": 0, "fail": 0, "skip": {}}

    def skip(reason):
        counts["skip"][reason] = counts["skip"].get(reason, 0) + 1

    rows = list(csv.DictReader(open(os.path.join(shared, "functions-vectors.csv"))))
    for row in rows:
        fn = row["function"]
        args = json.loads(row["args"])
        if fn == "BINLOOKUP":
            skip("BINLOOKUP (retired)"); continue
        if fn == "EXTERNALDLL":
            skip("EXTERNALDLL (CS DLL: staging engine)"); continue
        if any(a is None for a in args) and fn not in ("SQLLOOKUP", "SQLRANGELOOKUP"):
            skip("Java null argument"); continue
        if any(isinstance(a, list) or (isinstance(a, dict) and set(a) & {"map", "set", "sorted_map"}) for a in args):
            skip("GenEDITS 4 structure"); continue
        decls, pre, call_args = [], [], []
        metafile = None
        tablevars = []
        try:
            if fn in ("SQLLOOKUP", "SQLRANGELOOKUP"):
                table, index, value = args[0], args[1], args[2]
                if table is None or index is None or value is None:
                    skip("Java null argument"); continue
                cols = key_columns(table, index)
                if cols is None:
                    raise ValueError("index keys not made of the table's columns")
                metafile = os.path.join(work, "vec-%s.smf" % row["idx"])
                build_table_metafile(metafile, table)
                if isinstance(args[3], dict) and "map" not in args[3]:
                    pass
                if args[3] is not None:
                    tv = args[3]
                    names = [k for k, _ in (tv["map"] if isinstance(tv, dict) and "map" in tv else tv)] if not isinstance(tv, dict) or "map" in tv else []
                    tablevars = names
                if tablevars:
                    decls.append("tablevar " + ", ".join(tablevars) + ";")
                call = '%s("T1", "%s", %s)' % (fn, ",".join(cols), lit(value))
            else:
                binding = None
                k = 0
                for a in args:
                    if a == "binding":
                        continue
                    if isinstance(a, dict) and "binding" in a:
                        binding = a["binding"]
                        continue
                    k += 1
                    if isinstance(a, dict) and "char_array" in a:
                        decls.append("char a%d[%d];" % (k, a["char_array"]))
                        if a["value"]:
                            pre.append("STRCPY(a%d, %s);" % (k, lit(a["value"])))
                        call_args.append("a%d" % k)
                    elif isinstance(a, bool):
                        call_args.append("1" if a else "0")
                    elif isinstance(a, int):
                        call_args.append(str(a))
                    elif isinstance(a, str):
                        call_args.append(lit(a))
                    else:
                        raise ValueError("argument kind")
                if fn in ("MATCH", "INLIST") and row["genedits_pattern"]:
                    call_args[-1 if fn == "MATCH" else 2] = lit(row["genedits_pattern"])
                if binding and binding.get("allow_future_years") is not None:
                    pre.insert(0, "ALLOW_FUTURE_DATE_IOP(%d);" % binding["allow_future_years"])
                if fn == "TO_STRING":
                    call = None
                else:
                    call = "%s(%s)" % (fn, ", ".join(call_args))
        except ValueError as e:
            skip(str(e)); continue
        exp = row["expected_return"]
        outs = json.loads(row["expected_out"]) if row["expected_out"] else {}
        body = list(decls)
        checks = []
        if fn == "TO_STRING":
            body.append("char r[200];")
            body += pre
            body.append("STRCPY(r, %s);" % call_args[0])
            checks.append(("r", json.loads(exp)))
        elif exp == "":
            body += pre
            body.append(call + ";")
        else:
            v = json.loads(exp)
            if isinstance(v, str):
                body.append("char r[200];")
                body += pre
                body.append("STRCPY(r, %s);" % call)
                checks.append(("r", v))
            else:
                body.append("int r;")
                body += pre
                body.append("r = %s;" % call)
                checks.append(("r", str(int(v)) if isinstance(v, bool) else str(v)))
        for k, v in outs.items():
            if k.startswith("arg4[") and fn.startswith("SQL"):
                checks.append((k[5:-1], v))
            else:
                checks.append(("a" + k[3:], v))
        stmts = "\n".join(body)
        rc, out, err = run_eval(stmts, metafile)
        ok = rc == 0
        for name, v in checks:
            got = out.get(name, out.get(name.upper()))
            if "trim()" in row["notes"] and got is not None:
                got = got.strip()
            if got != v:
                ok = False
        if ok:
            counts["pass"] += 1
        else:
            counts["fail"] += 1
            failures.append("function vector %s %s(%s): expected %s %s; got rc=%d %s %s\n    %s" % (row["idx"], fn, row["args_source"], exp, outs, rc, out, err.strip(), stmts.replace("\n", " ")))
    return counts


def pattern_vectors():
    counts = {"pass": 0, "fail": 0, "skip": {}}
    for row in csv.DictReader(open(os.path.join(shared, "pattern-vectors.csv"))):
        if row["kind"] != "match":
            counts["skip"]["translation to a Java regex (crtk does not translate)"] = counts["skip"].get("translation to a Java regex (crtk does not translate)", 0) + 1
            continue
        try:
            stmts = "int r; r = MATCH(%s, %s);" % (lit(row["value"]), lit(row["pattern"]))
        except ValueError as e:
            counts["skip"][str(e)] = counts["skip"].get(str(e), 0) + 1
            continue
        rc, out, err = run_eval(stmts)
        want = "1" if row["expected"] == "match" else "0"
        if rc == 0 and out.get("r") == want:
            counts["pass"] += 1
        else:
            counts["fail"] += 1
            failures.append("pattern vector %s: MATCH(%r, %r) expected %s got %s %s" % (row["idx"], row["value"], row["pattern"], want, out, err.strip()))
    return counts


def example():
    ex = os.path.join(shared, "example")
    out = os.path.join(work, "example-failures.csv")
    with open(out, "w") as f:
        p = subprocess.run([crtk, "edits", os.path.join(ex, "input.xml"), "--metafile", os.path.join(ex, "crtk-example.smf"),
                            "--today", "20261204", "--format", "csv"], stdout=f, stderr=subprocess.PIPE, text=True)
    got = set()
    for r in csv.DictReader(open(out)):
        got.add((r["patientIdNumber"] + "-" + r["tumor"], r["edit"]))
    counts = {"pass": 0, "fail": 0, "skip": {}}
    expected = list(csv.DictReader(open(os.path.join(ex, "expected.csv"))))
    keys = set()
    for r in expected:
        k = (r["record_id"], r["edit_tag"])
        keys.add(k)
        g = "FAIL" if k in got else "PASS"
        if g == r["result"]:
            counts["pass"] += 1
        else:
            counts["fail"] += 1
            failures.append("example %s %s: expected %s got %s (%s)" % (k[0], k[1], r["result"], g, r["message"]))
    for k in got - keys:
        counts["fail"] += 1
        failures.append("example: unexpected failure %s" % (k,))
    if p.returncode != 1:
        counts["fail"] += 1
        failures.append("example: crtk edits exit %d (want 1: some edits fail): %s" % (p.returncode, p.stderr))
    return counts


def report(name, c):
    sk = sum(c["skip"].values())
    print("%-18s %4d pass, %3d fail, %3d skipped %s" % (name, c["pass"], c["fail"], sk,
          "(" + "; ".join("%s: %d" % kv for kv in sorted(c["skip"].items())) + ")" if sk else ""))


results = [("function vectors", function_vectors()), ("pattern vectors", pattern_vectors()), ("example verdicts", example())]
for name, c in results:
    report(name, c)
for f in failures[:60]:
    print("FAIL " + f)
sys.exit(1 if failures else 0)
