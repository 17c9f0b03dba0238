#!/usr/bin/env python3
"""Run the fuzzers' regression cases: tests/fuzz/regress/cases (guest boots, the format of
tests/boot/cases, with "a|b" allowed as the expected status) and every input committed under
tests/fuzz/regress/host/<fuzzer>/ replayed through build/tests/fuzz/host/<fuzzer>.

    tests/fuzz/regress.py [NAME-PATTERN]
"""
import glob
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "build/tests/fuzz/regress")


def run_case(line):
    name, status, regexes, args = [f.strip() for f in line.split(" | ", 3)]
    log = os.path.join(OUT, name + ".log")
    with open(log, "wb") as f:
        rc = subprocess.call("scripts/hvboot --timeout 180 " + args, shell=True, cwd=ROOT,
                             stdout=f, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    text = open(log, "rb").read().decode("utf-8", "replace")
    why = []
    if str(rc) not in status.split("|"):
        why.append("exit status %d, expected %s" % (rc, status))
    for re_ in (r.strip() for r in regexes.split(";")):
        if not re_:
            continue
        if re_.startswith("!"):
            if re.search(re_[1:], text, re.M):
                why.append("unexpected /%s/" % re_[1:])
        elif not re.search(re_, text, re.M):
            why.append("missing /%s/" % re_)
    return "%s fuzz-regress/%s%s" % ("FAIL" if why else "PASS", name,
                                     ": " + "; ".join(why) + " (log: %s)" % log if why else "")


def run_host(path):
    fuzzer = os.path.basename(os.path.dirname(path))
    binary = os.path.join(ROOT, "build/tests/fuzz/host", fuzzer)
    r = subprocess.run([binary, path], cwd=ROOT, capture_output=True, text=True)
    name = "%s/%s" % (fuzzer, os.path.basename(path))
    if r.returncode:
        return "FAIL fuzz-regress/%s: status %d\n%s" % (name, r.returncode, r.stderr[-2000:])
    return "PASS fuzz-regress/%s" % name


def main():
    pat = sys.argv[1] if len(sys.argv) > 1 else ""
    os.makedirs(OUT, exist_ok=True)
    cases = [l for l in open(os.path.join(ROOT, "tests/fuzz/regress/cases"))
             if l.strip() and not l.lstrip().startswith("#") and re.match(pat, l.strip())]
    inputs = sorted(p for p in glob.glob(os.path.join(ROOT, "tests/fuzz/regress/host/*/*"))
                    if re.search(pat, p))
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(run_case, cases)) + [run_host(p) for p in inputs]
    for r in results:
        print(r)
    fails = sum(r.startswith("FAIL") for r in results)
    print("fuzz regressions: %d passed, %d failed" % (len(results) - fails, fails))
    sys.exit(1 if fails else 0)


if __name__ == "__main__":
    main()
