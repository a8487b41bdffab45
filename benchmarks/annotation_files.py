"""Annotation files: throughput for a 10,000-node NML, peak memory on ~100 MB hostile files.

Run ``python -m benchmarks.annotation_files`` from the checkout (one to two minutes). It

(a) starts ``mockserver serve --recipe tiny`` on a free 127.0.0.1 port (the admin token is read from
    the banner), builds a 10,000-node NML on one of its datasets, uploads it repeatedly and downloads
    the uploaded annotation repeatedly: requests/s and MB/s of NML;
(b) measures peak memory on hostile files of ~100 MB and of the largest size the parser accepts:
    the parser directly (one fresh Python process per case: peak RSS, then a second parse under
    ``tracemalloc`` for the Python allocations, since libxml2's memory is invisible to it) and the
    upload route (a second server with a raised body limit lets 100 MB reach the handler). Peak RSS
    is ``VmHWM`` from ``/proc/<pid>/status``, reset through ``/proc/<pid>/clear_refs`` before each
    measurement (Linux);
(c) writes ``benchmarks/results/annotation_files.md`` and ``annotation_files.json``.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import os
import platform
import random
import socket
import subprocess
import sys
import threading
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from mockserver.archives import ZipReader
from mockserver.packs.webknossos.errors import ApiError
from mockserver.packs.webknossos.nml import NmlDocument, parse_nml, write_nml
from mockserver.safe_xml import MAX_NML_BYTES

RESULTS = Path(__file__).parent / "results"
MB = 1024 * 1024
NODES = 10_000
HEADLINE_BYTES = 100 * MB
ACCEPTED_BYTES = MAX_NML_BYTES - MB
"""The largest hostile files that reach lxml (just under the parser's size cap)."""
RAISED_LIMIT = 128 * MB
"""``MOCKSERVER_MAX_BODY_BYTES`` of the second server, so that 100 MB bodies reach the handler."""
PARAMETERS = b'<parameters><experiment name="l4_sample" organization="sample_organization"/></parameters>'
JUNK = b" ".join(b'a%d=""' % i for i in range(50))

JSON = dict[str, Any]
DESCRIPTION = "Annotation files: throughput for a 10,000-node NML, peak memory on ~100 MB hostile files."


# files ---------------------------------------------------------------------------------------------


def skeleton(nodes: int, trees: int = 10, seed: int = 1) -> JSON:
    """Canonical skeleton content: ``trees`` chains of nodes, comments, branch points, two groups."""
    rng = random.Random(seed)
    content: JSON = {"trees": [], "comments": [], "branchPoints": [], "userBoundingBoxes": [],
                     "groups": [{"groupId": 1, "name": "all", "children": [{"groupId": 2, "name": "half",
                                                                            "children": []}]}],
                     "editPosition": [1024, 1024, 512], "editRotation": [0.0, 0.0, 0.0], "zoomLevel": 1.0,
                     "activeNode": 1, "time": 1_700_000_000_000}
    node_id = 1
    for tree_id in range(1, trees + 1):
        tree_nodes, edges = [], []
        for index in range(nodes // trees):
            tree_nodes.append({"id": node_id, "position": [rng.randrange(4096) for _ in range(3)], "radius": 1.0,
                               "rotation": [0.0, 0.0, 0.0], "inVp": 0, "inMag": 0, "bitDepth": 8,
                               "interpolation": False, "time": 1_700_000_000_000 + node_id})
            if index:
                edges.append([node_id - 1, node_id])
            if index % 100 == 0:
                content["comments"].append({"node": node_id, "content": f"comment {node_id}"})
                content["branchPoints"].append({"node": node_id, "time": 1_700_000_000_000 + node_id})
            node_id += 1
        content["trees"].append({"id": tree_id, "name": f"tree {tree_id}", "color": [0.5, 0.25, 1.0, 1.0],
                                 "groupId": 1 + tree_id % 2, "type": "DEFAULT", "nodes": tree_nodes, "edges": edges})
    return content


def big_nml(dataset: str, organization: str, nodes: int = NODES) -> bytes:
    document = NmlDocument(dataset_name=dataset, organization=organization, wk_url="http://127.0.0.1",
                           timestamp=1_700_000_000_000, writer_commit="0" * 40, scale=[11.24, 11.24, 28.0],
                           skeleton=skeleton(nodes))
    return write_nml(document)


def repeated(head: bytes, item: Callable[[int], bytes], tail: bytes, size: int) -> bytes:
    """``head`` + ``item(0)`` + ``item(1)`` … + ``tail``, about ``size`` bytes."""
    parts, total, index = [head], len(head) + len(tail), 0
    while total < size:
        part = item(index)
        parts.append(part)
        total += len(part)
        index += 1
    return b"".join([*parts, tail])


def attribute_heavy(size: int) -> bytes:
    """Nodes with 50 junk attributes each; the last node repeats id 0, so it fails after a full parse."""
    body = repeated(b"<things>" + PARAMETERS + b'<thing id="1"><nodes>',
                    lambda i: b'<node id="%d" x="1" y="2" z="3" %s/>' % (i + 1, JUNK), b"", size - 200)
    return body + b'<node id="1" x="1" y="2" z="3"/></nodes></thing></things>'


def element_flood(size: int) -> bytes:
    """Millions of empty elements inside ``<parameters>``."""
    head, tail = b"<things><parameters>", b"</parameters></things>"
    return head + b"<a/>" * ((size - len(head) - len(tail)) // 4) + tail


def attribute_flood(size: int) -> bytes:
    """Groups (kept in the XML tree, unlike nodes) with 50 junk attributes each."""
    return repeated(b"<things>" + PARAMETERS + b"<groups>", lambda i: b'<group id="%d" %s/>' % (i, JUNK),
                    b"</groups></things>", size)


def nested_groups(size: int) -> bytes:
    """Groups nested as deep as the file allows."""
    depth = size // len(b'<group id="1000000"></group>')
    head, tail = b"<things>" + PARAMETERS + b"<groups>", b"</groups></things>"
    return head + b"".join(b'<group id="%d">' % i for i in range(depth)) + b"</group>" * depth + tail


def zipped(data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("hostile.nml", data)
    return buffer.getvalue()


HOSTILE: dict[str, Callable[[int], bytes]] = {
    "attribute-heavy NML": attribute_heavy,
    "element flood": element_flood,
    "attribute flood": attribute_flood,
    "deeply nested groups": nested_groups,
    "attribute-heavy NML in a ZIP": lambda size: zipped(attribute_heavy(size)),
}


def parse_upload(name: str, data: bytes) -> str:
    """What the upload handler does with one file: open a zip, parse the NMLs; the outcome as text."""
    try:
        members = ZipReader(".nml", max_member_bytes=MAX_NML_BYTES).read(name, data) if name.endswith(".zip") \
            else []
        results = [parse_nml(m.data, m.name) for m in members] if members else [parse_nml(data, name)]
    except ApiError as error:
        return f"{error.status} {error.error[:160]}"
    return f"parsed ({sum(len(t['nodes']) for r in results if r.skeleton for t in r.skeleton['trees'])} nodes)"


# (b) the parser directly, one process per measurement --------------------------------------------------


def memory(pid: int | str, field: str) -> int:
    """``VmRSS`` or ``VmHWM`` (peak RSS since the last reset) of a process (``"self"``), in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no {field} in /proc/{pid}/status")


def reset_peak(pid: int | str) -> None:
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def child(case: str, size: int) -> JSON:
    """Runs in a fresh process: build the file, parse it (time, peak RSS), parse it again under tracemalloc."""
    name = "hostile.zip" if "ZIP" in case else "hostile.nml"
    data = HOSTILE[case](size)
    gc.collect()
    reset_peak("self")
    before = memory("self", "VmRSS")
    started = time.perf_counter()
    outcome = parse_upload(name, data)
    elapsed = time.perf_counter() - started
    peak = memory("self", "VmHWM")
    gc.collect()
    tracemalloc.start()
    parse_upload(name, data)
    traced = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"case": case, "file_bytes": len(data), "outcome": outcome, "seconds": round(elapsed, 3),
            "rss_before_mb": round(before / MB, 1), "rss_peak_mb": round(peak / MB, 1),
            "rss_growth_mb": round((peak - before) / MB, 1), "tracemalloc_peak_mb": round(traced / MB, 1)}


def direct_measurements(cases: list[tuple[str, int]]) -> list[JSON]:
    results = []
    for case, size in cases:
        command = [sys.executable, "-m", "benchmarks.annotation_files", "--child", case, str(size)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=True)
        measured = dict(json.loads(done.stdout.splitlines()[-1]))
        print(f"  parser  {case:<30} {measured['file_bytes'] / MB:7.1f} MB  {measured['seconds']:6.2f} s  "
              f"RSS +{measured['rss_growth_mb']} MB  {measured['outcome'][:70]}", flush=True)
        results.append(measured)
    return results


# (a) and (b) against a real server -------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """``mockserver serve --recipe tiny`` as a subprocess on a free port."""

    def __init__(self, env: dict[str, str] | None = None) -> None:
        self.url = f"http://127.0.0.1:{free_port()}"
        command = [sys.executable, "-m", "mockserver", "serve", "--recipe", "tiny", "--port",
                   self.url.rsplit(":", 1)[1], "--log-level", "warning", "--host", "127.0.0.1"]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                        stdin=subprocess.DEVNULL, env={**os.environ, **(env or {})})
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        self.token = self._wait()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    def _wait(self) -> str:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("server exited:\n" + "".join(self.lines))
            admin = [line.split() for line in list(self.lines) if line.split()[:1] == ["admin"]]
            try:
                if admin and httpx.get(f"{self.url}/api/health", timeout=1).status_code == 200:
                    return admin[0][-1]
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError("server did not start:\n" + "".join(self.lines))

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def upload(client: httpx.Client, token: str, name: str, data: bytes) -> httpx.Response:
    return client.post("/api/v5/annotations/upload", headers={"X-Auth-Token": token},
                       files={name: (name, data)}, data={"createGroupForEachFile": "false"})


def rate(count: int, seconds: float, nbytes: int) -> JSON:
    return {"requests": count, "seconds": round(seconds, 3), "requests_per_s": round(count / seconds, 2),
            "mb_per_s": round(nbytes / MB / seconds, 2)}


def timed(count: int, call: Callable[[], httpx.Response]) -> tuple[float, list[httpx.Response]]:
    started = time.perf_counter()
    responses = [call() for _ in range(count)]
    return time.perf_counter() - started, responses


def throughput(server: Server, requests: int) -> JSON:
    with httpx.Client(base_url=server.url, timeout=120) as client:
        admin = {"X-Auth-Token": server.token}
        dataset = next(d for d in client.get("/api/v5/datasets", headers=admin).json() if d["isActive"])
        nml = big_nml(dataset["name"], dataset["owningOrganization"])
        upload(client, server.token, "warmup.nml", nml).raise_for_status()
        seconds, responses = timed(requests, lambda: upload(client, server.token, "big.nml", nml))
        assert all(r.status_code == 200 for r in responses), responses[-1].text
        uploaded = responses[-1].json()["annotation"]["id"]
        url = f"/api/v5/annotations/Explorational/{uploaded}/download"
        download_seconds, downloads = timed(requests, lambda: client.get(url, headers=admin))
        assert all(r.status_code == 200 for r in downloads)
        back = parse_nml(downloads[-1].content, "back.nml").skeleton
        assert back is not None and sum(len(t["nodes"]) for t in back["trees"]) == NODES
    return {"nml_bytes": len(nml), "download_bytes": len(downloads[-1].content), "nodes": NODES,
            "upload": rate(requests, seconds, len(nml) * requests),
            "download": rate(requests, download_seconds, len(downloads[-1].content) * requests)}


def route_measurement(server: Server, case: str, data: bytes, name: str) -> JSON:
    gc.collect()
    reset_peak(server.process.pid)
    time.sleep(0.2)
    before = memory(server.process.pid, "VmRSS")
    with httpx.Client(base_url=server.url, timeout=300) as client:
        started = time.perf_counter()
        response = upload(client, server.token, name, data)
        elapsed = time.perf_counter() - started
        alive = client.get("/api/health").status_code == 200
    peak = memory(server.process.pid, "VmHWM")
    error = response.json()["messages"][0].get("error", "") if response.status_code >= 400 else ""
    result = {"case": case, "file_bytes": len(data), "status": response.status_code, "error": error[:160],
              "seconds": round(elapsed, 3), "server_rss_before_mb": round(before / MB, 1),
              "server_rss_peak_mb": round(peak / MB, 1), "server_rss_growth_mb": round((peak - before) / MB, 1),
              "server_answers_afterwards": alive}
    print(f"  route   {case:<30} {len(data) / MB:7.1f} MB  {elapsed:6.2f} s  {response.status_code}  "
          f"server RSS +{result['server_rss_growth_mb']} MB  {error[:60]}", flush=True)
    return result


def route_measurements(server: Server, cases: list[tuple[str, int]]) -> list[JSON]:
    results = []
    for case, size in cases:
        name = "hostile.zip" if "ZIP" in case else "hostile.nml"
        results.append(route_measurement(server, case, HOSTILE[case](size), name))
    return results


# (c) results ----------------------------------------------------------------------------------------


def markdown(results: JSON) -> str:
    a = results["throughput"]
    lines = [
        "# Annotation files benchmark", "",
        f"`python -m benchmarks.annotation_files`, {results['date']}, Python {results['python']}, "
        f"{results['machine']} (load average {results['load_average_at_start']} at the start). Server: "
        "`mockserver serve --recipe tiny` on 127.0.0.1, one client, sequential requests, response validation on.",
        "",
        f"## Throughput: {a['nodes']:,}-node NML ({a['nml_bytes'] / MB:.2f} MB; download "
        f"{a['download_bytes'] / MB:.2f} MB)", "",
        "| route | requests | requests/s | MB/s |", "|---|---|---|---|",
        f"| `POST /api/v5/annotations/upload` | {a['upload']['requests']} | {a['upload']['requests_per_s']} | "
        f"{a['upload']['mb_per_s']} |",
        f"| `GET /api/v5/annotations/Explorational/{{id}}/download` | {a['download']['requests']} | "
        f"{a['download']['requests_per_s']} | {a['download']['mb_per_s']} |", "",
        "## Peak memory on hostile files: the parser directly", "",
        "One fresh process per row (archive reading + `parse_nml`, as the upload handler). RSS growth = peak RSS "
        "during parsing minus RSS before it (the file itself is built beforehand); tracemalloc = peak Python "
        "allocations "
        "(a second parse in the same process; libxml2's memory is not included).", "",
        "| file | size MB | outcome | s | RSS growth MB | peak RSS MB | tracemalloc peak MB |",
        "|---|---|---|---|---|---|---|",
    ]
    for m in results["parser"]:
        lines.append(f"| {m['case']} | {m['file_bytes'] / MB:.1f} | {m['outcome'][:90]} | {m['seconds']} | "
                     f"{m['rss_growth_mb']} | {m['rss_peak_mb']} | {m['tracemalloc_peak_mb']} |")
    lines += ["", "## Peak memory on hostile files: the upload route", "",
              "The server's peak RSS (`VmHWM`, reset through `/proc/<pid>/clear_refs` before each request) minus "
              "its RSS before the request. First server: default body limit (64 MiB); second: "
              f"`MOCKSERVER_MAX_BODY_BYTES={RAISED_LIMIT}` so that 100 MB files reach the handler.", "",
              "| server | file | size MB | status | error | s | server RSS growth MB | answers afterwards |",
              "|---|---|---|---|---|---|---|---|"]
    for m in results["route"]:
        lines.append(f"| {m['server']} | {m['case']} | {m['file_bytes'] / MB:.1f} | {m['status']} | "
                     f"{m['error'][:80]} | {m['seconds']} | {m['server_rss_growth_mb']} | "
                     f"{m['server_answers_afterwards']} |")
    return "\n".join(lines) + "\n"


def write(results: JSON) -> None:
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "annotation_files.json").write_text(json.dumps(results, indent=2) + "\n")
    (RESULTS / "annotation_files.md").write_text(markdown(results))


PARSER_CASES = [("attribute-heavy NML", HEADLINE_BYTES), ("attribute-heavy NML in a ZIP", HEADLINE_BYTES),
                ("attribute-heavy NML", ACCEPTED_BYTES), ("attribute flood", ACCEPTED_BYTES),
                ("element flood", ACCEPTED_BYTES), ("deeply nested groups", ACCEPTED_BYTES // 2)]
ROUTE_CASES = {
    "default limit": [("attribute-heavy NML", HEADLINE_BYTES), ("attribute-heavy NML in a ZIP", HEADLINE_BYTES)],
    "raised limit": [("attribute-heavy NML", HEADLINE_BYTES), ("attribute-heavy NML", ACCEPTED_BYTES),
                     ("attribute flood", ACCEPTED_BYTES)],
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.annotation_files", description=DESCRIPTION)
    parser.add_argument("--requests", type=int, default=10, help="uploads and downloads each (default 10)")
    parser.add_argument("--child", nargs=2, metavar=("CASE", "BYTES"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child[0], int(args.child[1]))))
        return
    results: JSON = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "python": platform.python_version(),
                     "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
                     "load_average_at_start": round(os.getloadavg()[0], 1), "route": []}
    servers = {"default limit": Server(), "raised limit": Server({"MOCKSERVER_MAX_BODY_BYTES": str(RAISED_LIMIT)})}
    try:
        print("throughput:", flush=True)
        results["throughput"] = throughput(servers["default limit"], args.requests)
        print(f"  {json.dumps(results['throughput'])}", flush=True)
        print("parser, directly:", flush=True)
        results["parser"] = direct_measurements(PARSER_CASES)
        for label, server in servers.items():
            print(f"upload route ({label}):", flush=True)
            results["route"] += [{"server": label, **m} for m in route_measurements(server, ROUTE_CASES[label])]
    finally:
        for server in servers.values():
            server.stop()
    write(results)
    print(f"wrote {RESULTS / 'annotation_files.md'} and .json")


if __name__ == "__main__":
    main()
