"""``python -m benchmarks``: the mock against the Connexion floor, bare Starlette, Stoplight Prism, WireMock and
Mockoon, all measured in one run with wrk (``--runs N``: N runs, reported as median and min–max), written to
``benchmarks/results/performance.{md,json}`` (and ``growth.png`` with matplotlib, the ``bench`` extra).

    bench.py        one run: options, scratch folder, the shared measurement (warm-up, wrk, RSS)
    scenarios.py    SCENARIOS: mock, floor, starlette, prism, wiremock, mockoon, startup, all-packs, large, packs,
                    packs-large, growth, workers, proxy
    packs.py        PACK_WORKLOADS: each pack's main list and main write, aimed at its world
    servers.py      servers as subprocesses in their own process group, on free ports
    load.py, lua/   workloads (GET, JSON body, unique bodies, the write mix) and their wrk scripts
    wrk.py          running wrk and parsing its report
    memory.py       RSS of a process group
    prism.py        installing Prism and the single-file spec it serves
    peers.py        installing WireMock and Mockoon CLI (npm, a cache folder) and the static stub each serves
    growth.py       each pack's large recipe with its main record count changed; the flatness verdict
    plot.py         the growth figure (matplotlib, optional)
    consistency.py  the cross-worker read-after-write check
    targets.py      the issue's targets and the headline ratios, for one run and over several
    machine.py, report.py   machine facts; Markdown and JSON
"""
