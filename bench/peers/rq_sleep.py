"""N jobs of `sleep S` through RQ on Redis with P workers (WEPPcloud's engine): the reference of issue 11.

usage: /usr/bin/python3 rq_sleep.py N S P

Starts its own redis-server on a free loopback port and P RQ workers (rq's default Worker, which forks a work horse
per job, as WEPPcloud runs them), waits until all P are registered, then times from the first enqueue to the moment
the last job has finished. Each job is subprocess.call(["sleep", S]), the same command xargs runs. Stops the workers
and redis-server by their pids. Prints one line on stdout:
  RESULT runner=rq n=N sleep=S parallel=P wall_s=<float> limit_s=<N*S/P> status=ok
or status=skipped reason="..." when redis-server or the rq module is missing.
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time


def result(n, s, p, **kv):
    fields = " ".join("%s=%s" % (k, ('"%s"' % v) if " " in str(v) else v) for k, v in kv.items())
    print("RESULT runner=rq n=%d sleep=%s parallel=%d limit_s=%.3f %s" % (n, s, p, n * float(s) / p, fields), flush=True)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


WORKER = """
import sys
from redis import Redis
from rq import Queue, Worker
conn = Redis.from_url(sys.argv[1])
Worker([Queue("bench", connection=conn)], connection=conn, name=sys.argv[2]).work(logging_level="WARNING")
"""


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    n, s, p = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    redis_server = shutil.which("redis-server")
    try:
        import redis  # noqa: F401
        import rq  # noqa: F401
    except ImportError as e:
        result(n, s, p, status="skipped", reason="python module missing: %s (apt-get install python3-rq)" % e.name)
        return
    if redis_server is None:
        result(n, s, p, status="skipped", reason="redis-server not installed (apt-get install redis-server)")
        return
    from redis import Redis
    from rq import Queue, Worker
    from rq.registry import FailedJobRegistry, FinishedJobRegistry

    port = free_port()
    url = "redis://127.0.0.1:%d/0" % port
    logs = tempfile.mkdtemp(prefix="rq-sleep-")
    server = subprocess.Popen([redis_server, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no", "--dir", logs],
                              stdout=open(os.path.join(logs, "redis.log"), "w"), stderr=subprocess.STDOUT)
    workers = []
    try:
        conn = Redis.from_url(url)
        deadline = time.monotonic() + 30
        while True:
            try:
                conn.ping()
                break
            except Exception:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.05)
        for i in range(p):
            workers.append(subprocess.Popen([sys.executable, "-c", WORKER, url, "bench-%d-%d" % (os.getpid(), i)],
                                            stdout=open(os.path.join(logs, "worker-%d.log" % i), "w"),
                                            stderr=subprocess.STDOUT))
        deadline = time.monotonic() + 60
        while len(Worker.all(connection=conn)) < p:
            if time.monotonic() > deadline:
                raise RuntimeError("the %d RQ workers did not register within 60 s (logs in %s)" % (p, logs))
            time.sleep(0.05)
        queue = Queue("bench", connection=conn)
        finished = FinishedJobRegistry(queue=queue)
        failed = FailedJobRegistry(queue=queue)
        t0 = time.monotonic()
        for _ in range(n):
            queue.enqueue(subprocess.call, ["sleep", s], result_ttl=3600)
        while finished.count + failed.count < n:
            if time.monotonic() - t0 > 3600:
                raise RuntimeError("not done within an hour")
            time.sleep(0.01)
        wall = time.monotonic() - t0
        result(n, s, p, wall_s="%.3f" % wall, failed=failed.count, status="ok")
    finally:
        for w in workers:
            w.send_signal(signal.SIGTERM)
        for w in workers:
            try:
                w.wait(timeout=30)
            except subprocess.TimeoutExpired:
                w.kill()
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(logs, ignore_errors=True)


if __name__ == "__main__":
    main()
