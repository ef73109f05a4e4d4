"""Runs aws-batch-helpers' `batch_project` command, unchanged, against an AWS endpoint of our choosing.

usage: /usr/bin/python3 aws_batch_helpers.py SEED_DIR ENDPOINT_URL -- import|create|submit|status ARGS...

batch_project calls boto3.client('batch') and boto3.client('s3') with no endpoint, so it talks to AWS. Debian's
boto3 (1.26) has no AWS_ENDPOINT_URL variable; this wrapper puts SEED_DIR first on sys.path and wraps
boto3.client so that every client it makes gets endpoint_url=ENDPOINT_URL (and path-style S3 addressing, as a
loopback endpoint needs). Retries, timeouts and everything else stay boto3's defaults, as the seed runs them.
Credentials and region come from the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION).
Prints on stderr, last: `peer-seconds=<float>` (the time spent in the command, interpreter start and imports
excluded), `peer-calls=<json>` (API calls per operation, as boto3 made them), `peer-attempts=<json>` (HTTP requests
per operation, retries included) and `peer-maxrss-kib=<int>`. Counting uses botocore's event hooks; it sends
nothing.
"""
import collections
import json
import resource
import sys
import time


def main():
    argv = sys.argv[1:]
    if len(argv) < 4 or argv[2] != "--":
        sys.exit(__doc__)
    seed, endpoint, command = argv[0], argv[1], argv[3:]
    sys.path.insert(0, seed)

    import boto3
    from botocore.config import Config

    real_client = boto3.client
    calls = collections.Counter()
    attempts = collections.Counter()

    def on_call(model=None, **_):
        calls[model.name] += 1

    def on_send(event_name="", **_):
        attempts[event_name.rsplit(".", 1)[-1]] += 1

    def client(service, *args, **kwargs):
        kwargs.setdefault("endpoint_url", endpoint)
        if service == "s3":
            kwargs.setdefault("config", Config(s3={"addressing_style": "path"}))
        c = real_client(service, *args, **kwargs)
        c.meta.events.register("before-call", on_call)
        c.meta.events.register("before-send", on_send)
        return c

    boto3.client = client

    from batch_project import main as batch_project

    sys.argv = ["batch_project"] + command
    t0 = time.monotonic()
    try:
        batch_project.main()
    finally:
        sys.stdout.flush()
        print("peer-seconds=%.3f" % (time.monotonic() - t0), file=sys.stderr)
        print("peer-calls=" + json.dumps(calls, sort_keys=True), file=sys.stderr)
        print("peer-attempts=" + json.dumps(attempts, sort_keys=True), file=sys.stderr)
        print("peer-maxrss-kib=%d" % resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)


if __name__ == "__main__":
    main()
