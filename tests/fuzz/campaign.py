#!/usr/bin/env python3
"""Hostile-guest fuzzing campaigns: boots of the hypervisor with a watchdog domain and several
fuzzing domains (tests/fuzz/guests), each fuzzing domain with its own seed.

    tests/fuzz/campaign.py [--seeds 1-8] [--per-boot 4] [--iters N] [--secs S] [--budget S]

A seed runs iterations [0, N). A boot runs up to --per-boot seeds at once, each for at most
--secs seconds; a seed whose domain ended early (the hypervisor crashed it, by rule, for what
it did) or ran out of time continues in a later boot with a fresh domain, from the checkpoint
after the one it last reported. The campaign fails on:
  - a hypervisor fault: "(hv) FATAL", "(hv) PANIC", hvboot status 2 (then each seed of that
    boot is replayed alone with tracing from its last checkpoint, to name the call);
  - a hang: hvboot timing out while the watchdog has not reported, or with a fuzzing domain
    still alive (each stops itself after --secs);
  - QEMU failing (hvboot status 125, e.g. a TCG abort a guest instruction provoked): nothing
    of that boot could be checked;
  - a watchdog miss: its TEST line FAIL (late ticks, lost events, canary changed, a read-only
    grant marked writing);
  - a fuzzer whose reports make no sense: its call count stops growing (it no longer
    fuzzes), or its end report names iterations it was not given. A fuzzer that notices it
    broke itself ("FZX") ends like a crashed one: its seed continues in a later boot;
  - resources: a fuzzing domain not destroyed, or the hypervisor's frame count not back to its
    baseline once every domain has ended ("(hv) frames: LEAK", or no "all returned" line).
It prints the figures: hypercalls executed per second, distinct (hypercall, sub-op, result)
combinations and (instruction, vector) combinations reached. Logs go to --out.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
GUESTS = "build/tests/fuzz/guests"
CHECKPOINT = 1024  # fz_main.c's FZ_CHECKPOINT

HYPERCALLS = {0: "set_trap_table", 1: "mmu_update", 2: "set_gdt", 3: "stack_switch",
              4: "set_callbacks", 5: "fpu_taskswitch", 8: "set_debugreg", 9: "get_debugreg",
              10: "update_descriptor", 12: "memory_op", 13: "multicall",
              14: "update_va_mapping", 15: "set_timer_op", 17: "xen_version", 18: "console_io",
              20: "grant_table_op", 21: "vm_assist", 22: "update_va_mapping_otherdomain",
              23: "iret", 24: "vcpu_op", 25: "set_segment_base", 26: "mmuext_op",
              29: "sched_op", 30: "callback_op", 32: "event_channel_op", 33: "physdev_op",
              35: "sysctl", 36: "domctl"}


def parse_seeds(spec):
    seeds = []
    for part in spec.split(","):
        if "-" in part:
            lo, hi = part.split("-")
            seeds.extend(range(int(lo), int(hi) + 1))
        elif part:
            seeds.append(int(part))
    return seeds


def decode_combo(key):
    nr, sub, cls = key >> 14, (key >> 8) & 63, key & 255
    name = HYPERCALLS.get(nr, "unknown#%d" % nr if nr < 127 else "unknown>=127")
    sub_s = "-" if sub == 63 else str(sub)
    if cls == 0:
        res = "ok"
    elif cls < 128:
        res = "-%d" % cls
    elif cls == 128:
        res = "positive"
    elif cls == 129:
        res = "negative"
    else:
        res = "status-%d" % (cls - 200)
    return "%s.%s.%s" % (name, sub_s, res)


class Campaign:
    def __init__(self, args):
        self.args = args
        self.failures = []
        self.combos, self.insn_combos = set(), set()
        self.calls = self.batched = self.traps = self.domains = self.iterations = 0
        self.domain_ns = 0
        self.null_ns = []  # each domain's FZREF: its null hypercall's cost, the reference
        self.qemu_secs = 0.0
        self.crashes = {}
        self.boots = 0
        self.watchdog = []
        os.makedirs(args.out, exist_ok=True)

    # ---- one boot ----

    def boot(self, jobs, trace_from=None, tag=None):
        """Boot the watchdog and one fuzzing domain per job (seed, start, end). Returns the log
        text and hvboot's status."""
        n = len(jobs)
        first, last = 2, 1 + n
        wd_secs = self.args.secs + 60
        mods = ["%s/watchdog.elf=name=wd -- self=1 fuzzers=%d-%d secs=%d gap_ms=%d"
                % (GUESTS, first, last, wd_secs, self.args.gap_ms)]
        for i, (seed, start, end) in enumerate(jobs):
            dom = first + i
            cmd = ("name=fz%d vcpus=2 -- console=io seed=%d start=%d iters=%d secs=%d self=%d "
                   "watchdog=1 domains=%d risk=%d"
                   % (dom, seed, start, end - start, self.args.secs, dom, last + 1,
                      self.args.risk))
            if trace_from is not None:
                cmd += " trace_from=%d" % trace_from
            if self.args.actions:
                cmd += " actions=%s" % self.args.actions
            mods.append("%s/fuzz.elf=%s" % (GUESTS, cmd))
        timeout = self.args.secs + 90
        argv = ["scripts/hvboot", "--timeout", str(timeout), "--smp", str(self.args.smp),
                "--mem", str(max(512, 64 + 40 * (n + 1)))] + mods
        self.boots += 1
        tag = tag or "boot%03d" % self.boots
        log_path = os.path.join(self.args.out, tag + ".log")
        t0 = time.time()
        with open(log_path, "wb") as log:
            rc = subprocess.call(argv, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                 stdin=subprocess.DEVNULL)
        self.qemu_secs += time.time() - t0
        with open(log_path, "rb") as f:
            text = f.read().decode("utf-8", "replace")
        return text, rc, log_path

    # ---- reading a boot's log ----

    def check_boot(self, jobs, text, rc, log_path):
        """Account the boot and return the jobs to continue in a later boot."""
        fault = re.search(r"\(hv\) (FATAL|PANIC).*", text)
        wd_verdict = re.search(r"\(d1\) TEST watchdog (PASS|FAIL.*)", text)
        wd_line = re.search(r"\(d1\) WD .*", text)
        if fault or rc == 2:
            self.fail("hypervisor fault in %s: %s" % (log_path, fault.group(0) if fault
                                                          else "hvboot status 2"))
            self.replay(jobs, text)
        if rc == 125:  # nothing of this boot could be checked
            qemu = re.findall(r".*(?:fatal|QEMU exited|hvboot:).*", text)
            self.fail("QEMU itself failed in %s (not a verdict on the hypervisor): %s"
                      % (log_path, "; ".join(qemu[-3:]) or "hvboot status 125"))
        if rc == 124 and not wd_verdict:
            self.fail("hang: %s timed out and the watchdog never reported" % log_path)
        if wd_verdict and wd_verdict.group(1) != "PASS":
            self.fail("watchdog: %s (%s)" % (wd_verdict.group(1), log_path))
        if wd_line:
            self.watchdog.append(wd_line.group(0))
        if rc in (0, 1) and not re.search(r"\(hv\) frames: all returned", text):
            self.fail("resources: no '(hv) frames: all returned' in %s" % log_path)
        if re.search(r"\(hv\) frames: LEAK.*", text):
            self.fail("resources: %s (%s)" % (re.search(r"\(hv\) frames: LEAK.*", text).group(0),
                                              log_path))
        rest = []
        for i, job in enumerate(jobs):
            nxt = self.check_domain(2 + i, job, text, rc, log_path)
            if nxt:
                rest.append(nxt)
        return rest

    def check_domain(self, dom, job, text, rc, log_path):
        seed, start, end = job
        # Random bytes the fuzzer wrote through console_io may precede a report on its line.
        tag = r"\(d%d\) [^\n]*?" % dom
        self.domains += 1
        for line in re.findall(tag + r"FZCOV (.*)", text):
            self.combos.update(int(k, 16) for k in line.split())
        for line in re.findall(tag + r"FZI (.*)", text):
            self.insn_combos.update(int(k, 16) for k in line.split())
        self.null_ns += [int(n) for n in re.findall(tag + r"FZREF null_call_ns=(\d+)", text)]
        progress = [(int(i), int(c)) for i, c in
                    re.findall(tag + r"FZP seed=\d+ iter=(\d+) calls=(\d+)", text)]
        for (i0, c0), (i1, c1) in zip(progress, progress[1:]):
            if c1 <= c0:
                self.fail("the fuzzer of seed %d damaged itself between iterations %d and %d "
                          "(its call count went from %d to %d; %s)" % (seed, i0, i1, c0, c1,
                                                                      log_path))
                break
        done = re.search(tag + r"FZE seed=\d+ start=(\d+) end=(\d+) ns=(\d+) calls=(\d+) "
                         r"batched=(\d+) traps=(\d+)", text)
        if rc in (0, 1) and not re.search(r"\(hv\) domain %d \(fz%d\) destroyed: \d+ frames "
                                          r"returned" % (dom, dom), text):
            self.fail("resources: domain %d (seed %d) was never destroyed (%s)"
                      % (dom, seed, log_path))
        if done and (int(done.group(1)) != start or not start < int(done.group(2)) <= end):
            self.fail("the fuzzer of seed %d reported iterations %s-%s, not within %d-%d (%s)"
                      % (seed, done.group(1), done.group(2), start, end, log_path))
            done = None
        if done:
            reached = int(done.group(2))
            self.iterations += reached - start
            self.domain_ns += int(done.group(3))
            self.calls += int(done.group(4))
            self.batched += int(done.group(5))
            self.traps += int(done.group(6))
            return (seed, reached, end) if reached < end else None
        # The domain ended before its report: by rule (crashed by the hypervisor, or it
        # panicked), or the boot did. Continue after the checkpoint that holds the end.
        crash = re.search(r"\(hv\) domain %d \(fz%d\) crashed: (.*)" % (dom, dom), text)
        ended = re.search(r"\(hv\) domain %d \(fz%d\) shut down: (\w+)" % (dom, dom), text)
        damaged = re.search(tag + r"FZX ", text)
        why = ("the fuzzer damaged itself" if damaged else crash.group(1) if crash
               else ended.group(1) if ended else "boot ended")
        if rc == 124 and not (crash or ended):
            # Alive but silent past its own deadline: asleep for good or looping. That was a
            # hypervisor bug once (a poll that never timed out): look at it.
            self.fail("hang of a fuzzing domain: seed %d never ended (last checkpoint %d; "
                      "replay with seed=%d start=%d trace_from=%d; %s)"
                      % (seed, max([start] + [p for p, _ in progress]), seed, start,
                         max([start] + [p for p, _ in progress]), log_path))
        self.crashes[why] = self.crashes.get(why, 0) + 1
        points = [int(p) for p in re.findall(tag + r"FZP seed=\d+ iter=(\d+)", text)]
        last = max(points) if points else start
        # What it did up to its last checkpoint counts (the rest of its work is lost with it).
        upto = re.findall(tag + r"FZP seed=\d+ iter=\d+ calls=(\d+) traps=(\d+) batched=(\d+) "
                          r"ns=(\d+)", text)
        if upto:
            calls, traps, batched, ns = (int(x) for x in upto[-1])
            self.calls, self.traps, self.batched = (self.calls + calls, self.traps + traps,
                                                    self.batched + batched)
            self.domain_ns += ns
        resume = last + CHECKPOINT
        self.iterations += last - start
        if self.args.verbose:
            print("  seed %d: domain ended (%s) after iteration %d, continuing at %d"
                  % (seed, why, last, resume))
        return (seed, resume, end) if resume < end else None

    def replay(self, jobs, text):
        """Each seed of a boot that faulted, alone, tracing from its last checkpoint: the last
        call traced before the fault is the one that triggered it."""
        if not self.args.replay:
            return
        for i, (seed, start, end) in enumerate(jobs):
            points = [int(p) for p in re.findall(r"\(d%d\) [^\n]*?FZP seed=\d+ iter=(\d+)" % (2 + i),
                                                 text)]
            last = max(points) if points else start
            log, rc, path = self.boot([(seed, start, end)], trace_from=last,
                                      tag="replay-seed%d" % seed)
            if re.search(r"\(hv\) (FATAL|PANIC)", log) or rc == 2:
                calls = re.findall(r"\(d2\) FZ[CA] .*", log)
                self.failures.append("  reproduced alone: seed %d, last calls before the "
                                     "fault (%s):\n    %s" % (seed, path,
                                                              "\n    ".join(calls[-3:])))

    def fail(self, what):
        print("FAIL " + what)
        self.failures.append(what)

    # ---- the campaign ----

    def run(self):
        queue = [(s, 0, self.args.iters) for s in parse_seeds(self.args.seeds)]
        t0 = time.time()
        while queue:
            if self.args.budget and time.time() - t0 > self.args.budget:
                print("fuzz: budget of %ds used up, %d seed(s) unfinished"
                      % (self.args.budget, len(queue)))
                break
            jobs, queue = queue[:self.args.per_boot], queue[self.args.per_boot:]
            text, rc, path = self.boot(jobs)
            queue.extend(self.check_boot(jobs, text, rc, path))
            if self.args.verbose:
                print("  boot %d: %d domains, status %d, %d combinations so far"
                      % (self.boots, len(jobs), rc, len(self.combos)))
        return self.report(time.time() - t0)

    def report(self, wall):
        executed = self.calls + self.batched
        per_dom = executed / (self.domain_ns / 1e9) if self.domain_ns else 0
        null_ns = sorted(self.null_ns)[len(self.null_ns) // 2] if self.null_ns else 0
        null_rate = 1e9 / null_ns if null_ns else 0
        summary = {
            "boots": self.boots, "fuzz_domains": self.domains, "wall_s": round(wall, 1),
            "iterations": self.iterations, "hypercalls": executed, "multicall_entries": self.batched, "traps": self.traps,
            "hypercalls_per_s": round(executed / self.qemu_secs) if self.qemu_secs else 0,
            "hypercalls_per_s_per_domain": round(per_dom),
            "null_hypercalls_per_s": round(null_rate),
            "combinations": len(self.combos), "insn_combinations": len(self.insn_combos),
            "hypercalls_reached": len({k >> 14 for k in self.combos}),
            "domain_ends_by_rule": self.crashes, "failures": self.failures,
        }
        with open(os.path.join(self.args.out, "summary.json"), "w") as f:
            json.dump(summary, f, indent=1)
        with open(os.path.join(self.args.out, "combinations.txt"), "w") as f:
            f.write("\n".join(sorted(decode_combo(k) for k in self.combos)) + "\n")
        print("fuzz: %d boots, %d fuzzing domains, %.0f s" % (self.boots, self.domains, wall))
        print("fuzz: %d iterations; hypercalls executed: %d (%d in multicalls), %d traps taken "
              "by the guests" % (self.iterations, executed, self.batched, self.traps))
        print("fuzz: hypercalls per second: %d (all domains, per second of QEMU), %d per "
              "fuzzing domain" % (summary["hypercalls_per_s"], per_dom))
        if null_rate:
            print("fuzz: reference, same domains: null hypercall (xen_version) %d per second "
                  "(median of %d domains): the fuzzing domains ran %.3f of that rate"
                  % (null_rate, len(self.null_ns), per_dom / null_rate))
        print("fuzz: distinct hypercall/sub-op/result combinations: %d (over %d hypercalls); "
              "instruction/vector combinations: %d"
              % (len(self.combos), summary["hypercalls_reached"], len(self.insn_combos)))
        print("fuzz: fuzzing domains that ended early (by rule, or the fuzzer broke itself): %s" % (", ".join(
            "%s x%d" % (k, v) for k, v in sorted(self.crashes.items())) or "none"))
        for w in self.watchdog[-1:]:
            print("fuzz: last watchdog report: " + w)
        if self.failures:
            print("fuzz: FAIL (%d problems; logs in %s)" % (len(self.failures), self.args.out))
            for f in self.failures:
                print("  " + f)
            return 1
        print("fuzz: PASS: no hypervisor fault, no watchdog miss, canary intact, frames back "
              "to the baseline")
        return 0


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--seeds", default="1-8")
    p.add_argument("--per-boot", type=int, default=4)
    p.add_argument("--iters", type=int, default=50000)
    p.add_argument("--secs", type=int, default=60, help="at most this long per boot")
    p.add_argument("--budget", type=int, default=0, help="stop starting boots after this")
    p.add_argument("--smp", type=int, default=2)
    p.add_argument("--risk", type=int, default=2)
    p.add_argument("--gap-ms", type=int, default=1000)
    p.add_argument("--actions", default="")
    p.add_argument("--no-replay", dest="replay", action="store_false")
    p.add_argument("--out", default=os.path.join(ROOT, "build/tests/fuzz/guest"))
    p.add_argument("-v", "--verbose", action="store_true")
    sys.exit(Campaign(p.parse_args()).run())


if __name__ == "__main__":
    main()
