"""``python -m benchmarks``: the mock against the Connexion floor, bare Starlette and Stoplight Prism,
all measured in one run with wrk, written to ``benchmarks/results/performance.{md,json}``.

    bench.py        one run: options, scratch folder, the shared measurement (warm-up, wrk, RSS)
    scenarios.py    SCENARIOS: mock, floor, starlette, prism, startup, all-packs, large, packs, packs-large,
                    workers, proxy
    packs.py        PACK_WORKLOADS: each pack's main list and main write, aimed at its world
    servers.py      servers as subprocesses in their own process group, on free ports
    load.py, lua/   workloads (GET, JSON body, unique bodies, the write mix) and their wrk scripts
    wrk.py          running wrk and parsing its report
    memory.py       RSS of a process group
    prism.py        installing Prism and the single-file spec it serves
    consistency.py  the cross-worker read-after-write check
    targets.py      the issue's targets and the headline ratios
    machine.py, report.py   machine facts; Markdown and JSON
"""
