-- One request with a JSON body, repeated: method and body from BENCH_METHOD / BENCH_BODY.
wrk.method = os.getenv("BENCH_METHOD") or "POST"
wrk.body = os.getenv("BENCH_BODY") or "{}"
wrk.headers["Content-Type"] = "application/json"
