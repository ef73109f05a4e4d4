"""Runs ICGC's scripts/scheduler.py, unchanged, on a tracking tree and a config of our choosing.

usage: /usr/bin/python3 icgc_scheduler.py SCHEDULER_PY TRACKING_DIR CONFIG [--skip-pauses] [-- scheduler args]

scheduler.py finds its tree and its config next to itself (BASE_DIR is the parent of its folder). This wrapper
loads the seed's file as a module instead, points BASE_DIR, JOB_DIR and CONFIG_FILE at the tree and config given,
and then does what the file's own `if __name__ == '__main__'` block does: chdir to the tree, parse -s/-x, read the
config, main(). The seed's file is never edited or copied.

--skip-pauses gives the module its own `time` whose sleep() returns at once, so the 5 s pause after each WES
submission is skipped; everything else (time.time() for run markers, tenacity's clock) is the real time module.
Prints `peer-seconds=<float>` last: the time spent in main(), interpreter start and imports excluded.
"""
import argparse
import importlib.util
import os
import sys
import time
import types


def load(path):
    spec = importlib.util.spec_from_file_location("scheduler", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules["scheduler"] = mod
    spec.loader.exec_module(mod)
    return mod


def no_pauses():
    shim = types.ModuleType("time")
    shim.__dict__.update({k: getattr(time, k) for k in dir(time) if not k.startswith("__")})
    shim.sleep = lambda seconds: None
    return shim


def main():
    argv = sys.argv[1:]
    rest = []
    if "--" in argv:
        rest = argv[argv.index("--") + 1:]
        argv = argv[:argv.index("--")]
    ours = argparse.ArgumentParser()
    ours.add_argument("scheduler_py")
    ours.add_argument("tracking_dir")
    ours.add_argument("config")
    ours.add_argument("--skip-pauses", action="store_true")
    a = ours.parse_args(argv)

    mod = load(os.path.abspath(a.scheduler_py))
    base = os.path.abspath(a.tracking_dir)
    mod.BASE_DIR = base
    mod.JOB_DIR = os.path.join(base, "jobs")
    mod.CONFIG_FILE = os.path.abspath(a.config)
    if a.skip_pauses:
        mod.time = no_pauses()

    # the seed's __main__ block, on our paths
    os.chdir(base)
    parser = argparse.ArgumentParser(prog="scheduler.py")
    parser.add_argument("-s", "--studies", type=str, nargs="+")
    parser.add_argument("-x", "--exclude-studies", type=str, nargs="+")
    args = parser.parse_args(rest)
    with open(mod.CONFIG_FILE) as f:
        config = mod.yaml.safe_load(f)
    mod.config = config  # env_paused() reads the module-level name the __main__ block sets
    t0 = time.monotonic()
    try:
        mod.main(args.studies or [], config, args.exclude_studies or [])
    finally:
        sys.stdout.flush()
        print("peer-seconds=%.3f" % (time.monotonic() - t0), file=sys.stderr)


if __name__ == "__main__":
    main()
