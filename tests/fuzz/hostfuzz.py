#!/usr/bin/env python3
"""Run the host fuzzers (build/tests/fuzz/host/fuzz_<x>, libFuzzer) and measure their coverage.

    tests/fuzz/hostfuzz.py check --secs S FUZZER...    bounded: a fresh copy of the committed
        corpus (tests/fuzz/corpus/<x>), fixed libFuzzer seed; fails on any crash, leak,
        sanitizer report or timeout
    tests/fuzz/hostfuzz.py run --secs S FUZZER...      long: the corpus kept in
        build/tests/fuzz/host/corpus/<x> grows from run to run; crashes are kept in
        build/tests/fuzz/host/crashes/<x>/
    tests/fuzz/hostfuzz.py coverage FUZZER...          the coverage builds (build/tests/fuzz/
        host/cov/) run over each corpus once; prints line coverage of the hypercall code
        (hypervisor/hypercalls) and of every product file the fuzzers build
Two fuzzers run at a time.
"""
import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "build/tests/fuzz/host")
CORPUS = os.path.join(ROOT, "tests/fuzz/corpus")
FLAGS = ["-timeout=10", "-rss_limit_mb=2048", "-print_final_stats=1"]
# Inputs are at most 4 KiB, but a save file's seeds (fuzz_stream: page tables, p2m frames) are
# up to a MiB (a Linux domU's).
MAX_LEN = {"fuzz_stream": 2 << 20}


def fresh_copy(name, dest):
    shutil.rmtree(dest, ignore_errors=True)
    src = os.path.join(CORPUS, name)
    if os.path.isdir(src):
        shutil.copytree(src, dest)
    else:
        os.makedirs(dest)


def fuzz(name, secs, work, crashes, seed=None):
    """One libFuzzer run; returns (ok, summary line)."""
    os.makedirs(crashes, exist_ok=True)
    argv = [os.path.join(OUT, name), "-max_total_time=%d" % secs, "-artifact_prefix=%s/" % crashes,
            "-max_len=%d" % MAX_LEN.get(name, 4096)] + FLAGS + ([("-seed=%d" % seed)] if seed else [])
    argv.append(work)
    log = os.path.join(OUT, name + ".log")
    with open(log, "w") as f:
        rc = subprocess.call(argv, cwd=ROOT, stdout=f, stderr=subprocess.STDOUT)
    text = open(log, errors="replace").read()
    runs = re.search(r"stat::number_of_executed_units: (\d+)", text)
    cov = re.findall(r"cov: (\d+)", text)
    found = sorted(glob.glob(os.path.join(crashes, "*")))
    what = "%s: %s runs, %s edges, %d inputs in the corpus" % (
        name, runs.group(1) if runs else "?", cov[-1] if cov else "?", len(os.listdir(work)))
    if rc:
        why = re.search(r"(ERROR: .*|runtime error: .*|SUMMARY: .*)", text)
        return False, "%s; FAILED (status %d): %s; inputs in %s, log %s" % (
            what, rc, why.group(1) if why else "see the log", crashes, log)
    return True, what


def cmd_check(args):
    def one(name):
        work = os.path.join(OUT, "check", name)
        fresh_copy(name, work)
        return fuzz(name, args.secs, work, os.path.join(OUT, "check-crashes", name), seed=1)
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(one, args.fuzzers))
    for ok, line in results:
        print(("PASS " if ok else "FAIL ") + "fuzz-host/" + line)
    fails = sum(not ok for ok, _ in results)
    print("host fuzzers: %d passed, %d failed (%ds each)" % (len(results) - fails, fails,
                                                            args.secs))
    return 1 if fails else 0


def cmd_run(args):
    def one(name):
        work = os.path.join(OUT, "corpus", name)
        if not os.path.isdir(work):
            fresh_copy(name, work)
        return fuzz(name, args.secs, work, os.path.join(OUT, "crashes", name))
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(one, args.fuzzers))
    for ok, line in results:
        print(("fuzz-host: " if ok else "fuzz-host: FAIL ") + line)
    return 1 if any(not ok for ok, _ in results) else 0


def lines(summary):
    return summary["lines"]["covered"], summary["lines"]["count"]


def cmd_coverage(args):
    covdir = os.path.join(OUT, "cov")
    raws = []
    for name in args.fuzzers:
        corpus = os.path.join(OUT, "corpus", name)
        if not os.path.isdir(corpus):
            corpus = os.path.join(CORPUS, name)
        raw = os.path.join(covdir, name + ".profraw")
        env = dict(os.environ, LLVM_PROFILE_FILE=raw)
        subprocess.call([os.path.join(covdir, name), "-runs=0", corpus], cwd=ROOT, env=env,
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if os.path.exists(raw):
            raws.append(raw)
    data = os.path.join(covdir, "merged.profdata")
    subprocess.check_call(["llvm-profdata", "merge", "-sparse", "-o", data] + raws)
    objects = []
    for name in args.fuzzers:
        objects += ["-object", os.path.join(covdir, name)]
    export = subprocess.run(["llvm-cov", "export", "-summary-only", "-instr-profile", data]
                            + objects[1:], cwd=ROOT, capture_output=True, text=True, check=True)
    files = {}
    for f in json.loads(export.stdout)["data"][0]["files"]:
        path = os.path.relpath(f["filename"], ROOT)
        if path.startswith("hypervisor/"):
            files[path] = lines(f["summary"])
    hc = sorted(p for p in glob.glob(os.path.join(ROOT, "hypervisor/hypercalls/*.c")))
    report = ["line coverage by the host fuzzers (%s)" % ", ".join(args.fuzzers), ""]
    tot_c = tot_n = 0
    for p in hc:
        rel = os.path.relpath(p, ROOT)
        c, n = files.get(rel, (0, 0))
        tot_c, tot_n = tot_c + c, tot_n + n
        report.append("  %-40s %5d / %-5d %5.1f%%%s" % (rel, c, n, 100.0 * c / n if n else 0,
                                                      "" if rel in files else "  (not built)"))
    report.append("  %-40s %5d / %-5d %5.1f%%" % ("hypervisor/hypercalls (all)", tot_c, tot_n,
                                                  100.0 * tot_c / tot_n if tot_n else 0))
    report.append("")
    all_c = sum(c for c, _ in files.values())
    all_n = sum(n for _, n in files.values())
    for rel in sorted(files):
        if not rel.startswith("hypervisor/hypercalls/"):
            c, n = files[rel]
            report.append("  %-40s %5d / %-5d %5.1f%%" % (rel, c, n, 100.0 * c / n if n else 0))
    report.append("  %-40s %5d / %-5d %5.1f%%" % ("every hypervisor file built", all_c, all_n,
                                                  100.0 * all_c / all_n if all_n else 0))
    text = "\n".join(report)
    with open(os.path.join(OUT, "coverage.txt"), "w") as f:
        f.write(text + "\n")
    print(text)
    print("fuzz: hypercall code line coverage by the host fuzzers: %d of %d lines (%.1f%%)"
          % (tot_c, tot_n, 100.0 * tot_c / tot_n if tot_n else 0))
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("mode", choices=["check", "run", "coverage"])
    p.add_argument("--secs", type=int, default=15)
    p.add_argument("fuzzers", nargs="+")
    args = p.parse_args()
    os.makedirs(OUT, exist_ok=True)
    sys.exit({"check": cmd_check, "run": cmd_run, "coverage": cmd_coverage}[args.mode](args))


if __name__ == "__main__":
    main()
